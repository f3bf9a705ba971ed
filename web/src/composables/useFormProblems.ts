// What is wrong with a form the user sent: a message per field (shown under the field) and
// one for the whole form (shown in an alert). `showFailure(e)` puts the server's refusal of
// the input (problem+json with status 400 or 422, or one of the statuses given) on the form
// and reports any other failure the usual way (useErrors); `clear()` empties both.
import { ref } from 'vue'
import { ApiError } from '../api/client'
import { fieldErrors, useErrors } from './useErrors'

export function useFormProblems(refusals: readonly number[] = [400, 422]) {
  const errors = useErrors()
  const problems = ref<Record<string, string>>({})
  const failure = ref('')
  return {
    problems,
    failure,
    clear(): void {
      problems.value = {}
      failure.value = ''
    },
    showFailure(e: unknown): void {
      if (e instanceof ApiError && refusals.includes(e.status)) {
        problems.value = fieldErrors(e)
        failure.value = e.detail || e.title
      } else {
        errors.report(e)
      }
    },
  }
}
