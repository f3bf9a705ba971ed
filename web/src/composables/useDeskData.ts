// The data of a command desk (quarantine, supplies): an overview of several lists fetched
// together, and one list under a filter the user picks (a person's or an order's state).
// `load()` fetches the overview and then the filtered list, with `loading` set meanwhile;
// it runs on mount, and a change of the filter refetches the filtered list alone. Each
// failure is reported (useErrors) and leaves what was shown.
import { onMounted, ref, watch, type Ref } from 'vue'
import { useErrors } from './useErrors'

export function useDeskData(filter: Ref<unknown>, overview: () => Promise<void>, filtered: () => Promise<void>) {
  const errors = useErrors()
  const loading = ref(false)

  async function loadFiltered(): Promise<void> {
    try {
      await filtered()
    } catch (e) {
      errors.report(e)
    }
  }

  async function load(): Promise<void> {
    loading.value = true
    try {
      await overview()
      await loadFiltered()
    } catch (e) {
      errors.report(e)
    } finally {
      loading.value = false
    }
  }

  watch(filter, () => void loadFiltered())
  onMounted(load)
  return { loading, load }
}
