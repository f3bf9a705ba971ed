// The state and submit skeleton the record dialogs share (FormDialog.vue is their shell):
// a message per field (`fieldError`, shown under the field), the server's refusal for the
// whole form (`refusal`, shown in the dialog) and `saving` while a request is out.
//
//   const rf = useRecordForm(open, { onOpen: () => (form.value = emptyForm()) })
//   if (!rf.check(problems(form.value))) return           // caught before sending
//   const saved = await rf.save(() => api.create(form.value))  // undefined when refused
//
// Opening the dialog clears both messages, then calls `onOpen`. `save(run)` clears them
// and sets the flag; when `run` fails it puts the server's per-field messages (mapped by
// `toFields` when given) and its refusal on the form and resolves to undefined, so `run`
// must not resolve to undefined itself; it never throws. `upsert` is the create-or-patch
// flow of a record with a name.
import { ref, watch, type Ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { ElMessage } from 'element-plus'
import { fieldErrors, useErrors } from './useErrors'

export interface RecordFormOptions {
  /** Runs each time the dialog opens, after the messages are cleared: fill the form. */
  onOpen?: () => void | Promise<void>
  /** Maps the server's per-field messages to the fields the form shows (rooms[3].number → rooms). */
  toFields?: (byField: Record<string, string>) => Record<string, string>
}

/** How to save a record: `update` when one is being edited (its changes and how to send them), else `create`. */
export interface Upsert<T, P> {
  update: { patch: P; send: (patch: P) => Promise<T> } | null
  create: () => Promise<T>
  /** The i18n prefix of `.updated` and `.created` (each named with the record's `name`). */
  messages: string
}

/** Server fields under a list (`rooms[3].beds`) shown at the list's own field (`rooms`). */
export function listErrorsAt(list: string): (byField: Record<string, string>) => Record<string, string> {
  return (byField) => {
    const out = { ...byField }
    for (const f of Object.keys(byField)) if (f.startsWith(`${list}[`)) out[list] = byField[f]
    return out
  }
}

export function useRecordForm(open: Ref<boolean>, options: RecordFormOptions = {}) {
  const { t } = useI18n()
  const errors = useErrors()
  const fieldError = ref<Record<string, string>>({})
  const refusal = ref('')
  const saving = ref(false)

  function clear(): void {
    fieldError.value = {}
    refusal.value = ''
  }

  watch(open, async (v) => {
    if (!v) return
    clear()
    await options.onOpen?.()
  })

  /** Shows the problems found before sending (field → i18n key, named by `named(field)`); true when there are none. */
  function check(problems: Record<string, string>, named?: (field: string) => Record<string, unknown>): boolean {
    refusal.value = ''
    fieldError.value = Object.fromEntries(Object.entries(problems).map(([f, key]) => [f, named ? t(key, named(f)) : t(key)]))
    return Object.keys(problems).length === 0
  }

  async function save<T>(run: () => Promise<T>): Promise<T | undefined> {
    clear()
    saving.value = true
    try {
      return await run()
    } catch (e) {
      const byField = fieldErrors(e)
      fieldError.value = options.toFields ? options.toFields(byField) : byField
      refusal.value = errors.message(e)
      return undefined
    } finally {
      saving.value = false
    }
  }

  /** Says that nothing changed and closes the dialog. */
  function noChange(): void {
    ElMessage({ type: 'info', message: t('forms.noChange') })
    open.value = false
  }

  /**
   * Patches the record (an empty patch sends nothing: noChange) or creates it, says so by
   * name, closes the dialog and resolves to what the server saved; undefined otherwise.
   */
  async function upsert<T extends { name: string }, P extends object>(u: Upsert<T, P>): Promise<T | undefined> {
    const { update } = u
    if (update && !Object.keys(update.patch).length) {
      noChange()
      return undefined
    }
    const saved = await save(() => (update ? update.send(update.patch) : u.create()))
    if (!saved) return undefined
    ElMessage({ type: 'success', message: t(`${u.messages}.${update ? 'updated' : 'created'}`, { name: saved.name }) })
    open.value = false
    return saved
  }

  return { t, errors, fieldError, refusal, saving, clear, check, save, noChange, upsert }
}
