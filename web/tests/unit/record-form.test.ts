// What the record dialogs share: useRecordForm (opening clears the messages and fills the
// form; problems caught before sending shown by field; the saving flag; the server's
// refusal shown in the form and at the fields it names; patch, "nothing changed" or
// create) and the FormDialog shell (refusal alert, Cancel and submit, named by `test`).
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h, nextTick, ref, type Ref } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import { ElButton, ElMessage } from 'element-plus'
import { ApiError } from '../../src/api/client'
import FormDialog from '../../src/components/FormDialog.vue'
import { listErrorsAt, useRecordForm, type RecordFormOptions } from '../../src/composables/useRecordForm'
import en from '../../src/i18n/en'
import zhCN from '../../src/i18n/zh-CN'
import { installElementPlus } from '../../src/plugins'

vi.mock('element-plus', async (importOriginal) => ({
  ...(await importOriginal<typeof import('element-plus')>()),
  ElMessage: vi.fn(),
}))

const global = () => ({
  plugins: [createI18n({ legacy: false, locale: 'en', fallbackLocale: 'zh-CN', messages: { 'zh-CN': zhCN, en } }), { install: installElementPlus }],
  stubs: { teleport: true },
})

type RecordForm = ReturnType<typeof useRecordForm>

// The composable inside a component, as a dialog uses it.
function withForm(options: RecordFormOptions = {}): { rf: RecordForm; open: Ref<boolean> } {
  const open = ref(false)
  let rf!: RecordForm
  mount(
    defineComponent({
      setup() {
        rf = useRecordForm(open, options)
        return () => h('div')
      },
    }),
    { global: global() },
  )
  return { rf, open }
}

const refused = () =>
  new ApiError(422, {
    detail: 'rooms[1].beds: beds must be 1–4',
    errors: [{ field: 'rooms[1].beds', message: 'beds must be 1–4' }],
  })

const messages = () => vi.mocked(ElMessage).mock.calls.map(([m]) => m)

beforeEach(() => {
  vi.mocked(ElMessage).mockClear()
})

describe('useRecordForm', () => {
  it('clears what the last opening showed and fills the form each time the dialog opens', async () => {
    const onOpen = vi.fn()
    const { rf, open } = withForm({ onOpen })
    rf.fieldError.value = { name: 'Required' }
    rf.refusal.value = 'Not saved'
    open.value = true
    await flushPromises()
    expect(rf.fieldError.value).toEqual({})
    expect(rf.refusal.value).toBe('')
    expect(onOpen).toHaveBeenCalledTimes(1)
    open.value = false
    await flushPromises()
    expect(onOpen).toHaveBeenCalledTimes(1)
  })

  it('shows the problems caught before sending at their fields, in words', () => {
    const { rf } = withForm()
    rf.refusal.value = 'from before'
    expect(rf.check({ name: 'forms.problem.required', 'beds.icu': 'forms.hospital.problem.belowTaken' }, (f) => ({ n: f === 'beds.icu' ? 4 : 0 }))).toBe(false)
    expect(rf.fieldError.value.name).toBe('Required')
    expect(rf.fieldError.value['beds.icu']).toBe('Not fewer than the 4 beds taken')
    expect(rf.refusal.value).toBe('')
    expect(rf.check({})).toBe(true)
    expect(rf.fieldError.value).toEqual({})
  })

  it('is saving while the request is out and resolves to what the server saved', async () => {
    const { rf } = withForm()
    let answer!: (v: { name: string }) => void
    const pending = rf.save(() => new Promise<{ name: string }>((r) => (answer = r)))
    expect(rf.saving.value).toBe(true)
    answer({ name: 'Hotel A' })
    expect(await pending).toEqual({ name: 'Hotel A' })
    expect(rf.saving.value).toBe(false)
  })

  it("puts the server's refusal in the form and at the field it names, mapped to the form's fields", async () => {
    const { rf } = withForm({ toFields: listErrorsAt('rooms') })
    const saved = await rf.save(() => Promise.reject(refused()))
    expect(saved).toBeUndefined()
    expect(rf.saving.value).toBe(false)
    expect(rf.refusal.value).toContain('rooms[1].beds: beds must be 1–4')
    expect(rf.fieldError.value).toEqual({ 'rooms[1].beds': 'beds must be 1–4', rooms: 'beds must be 1–4' })
    // The next attempt starts clean.
    await rf.save(async () => ({ name: 'x' }))
    expect(rf.fieldError.value).toEqual({})
    expect(rf.refusal.value).toBe('')
  })

  it('sends nothing for an edit that changes nothing, says so and closes', async () => {
    const { rf, open } = withForm()
    open.value = true
    const send = vi.fn(async () => ({ name: 'Gate 3' }))
    const create = vi.fn(async () => ({ name: 'Gate 3' }))
    expect(await rf.upsert({ update: { patch: {}, send }, create, messages: 'forms.point' })).toBeUndefined()
    expect(send).not.toHaveBeenCalled()
    expect(create).not.toHaveBeenCalled()
    expect(open.value).toBe(false)
    expect(messages()).toEqual([{ type: 'info', message: 'Nothing changed' }])
  })

  it('sends the changes of an edit, names the record saved and closes', async () => {
    const { rf, open } = withForm()
    open.value = true
    const send = vi.fn(async (p: { capacity_per_day: number }) => ({ name: 'Gate 3', ...p }))
    const saved = await rf.upsert({ update: { patch: { capacity_per_day: 300 }, send }, create: async () => ({ name: 'no' }), messages: 'forms.point' })
    expect(send).toHaveBeenCalledWith({ capacity_per_day: 300 })
    expect(saved).toEqual({ name: 'Gate 3', capacity_per_day: 300 })
    expect(open.value).toBe(false)
    expect(messages()).toEqual([{ type: 'success', message: 'Point Gate 3 saved' }])
  })

  it('creates a new record and names it; a refused one keeps the dialog open', async () => {
    const { rf, open } = withForm()
    open.value = true
    expect(await rf.upsert({ update: null, create: () => Promise.reject(refused()), messages: 'forms.site' })).toBeUndefined()
    expect(open.value).toBe(true)
    expect(rf.refusal.value).not.toBe('')
    expect(messages()).toEqual([])
    expect(await rf.upsert({ update: null, create: async () => ({ name: 'Hotel B' }), messages: 'forms.site' })).toEqual({ name: 'Hotel B' })
    expect(open.value).toBe(false)
    expect(messages()).toEqual([{ type: 'success', message: 'Site Hotel B registered' }])
  })
})

describe('listErrorsAt', () => {
  it("shows a list entry's problem at the list and leaves other fields as they are", () => {
    expect(listErrorsAt('serves')({ 'serves[2]': 'unknown area', name: 'too long' })).toEqual({ 'serves[2]': 'unknown area', serves: 'unknown area', name: 'too long' })
    expect(listErrorsAt('serves')({ served: 'x' })).toEqual({ served: 'x' })
  })
})

describe('FormDialog', () => {
  const shell = (props: Record<string, unknown>) =>
    mount(FormDialog, {
      props: { modelValue: true, title: 'New point', width: '580px', test: 'point', refusal: '', ...props } as never,
      attrs: { 'data-test': 'point-dialog' },
      slots: { default: () => h('div', { class: 'two', 'data-test': 'body' }, 'the form') },
      global: global(),
    })

  it('shows the form, and the refusal only when there is one, named by its test name', async () => {
    const w = shell({})
    await nextTick()
    expect(w.find('[data-test=point-dialog]').exists()).toBe(true)
    expect(w.find('[data-test=body]').text()).toBe('the form')
    expect(w.find('[data-test=point-refusal]').exists()).toBe(false)
    await w.setProps({ refusal: 'District not yours' })
    expect(w.find('[data-test=point-refusal]').text()).toContain('District not yours')
    expect(w.find('[data-test=point-refusal]').text()).toContain('Not saved')
  })

  it('submits from its button, spins it while saving, and closes on Cancel', async () => {
    const w = shell({ submitLabel: 'Create' })
    await nextTick()
    const save = w.find('[data-test=point-save]')
    expect(save.text()).toBe('Create')
    await save.trigger('click')
    expect(w.emitted('submit')).toHaveLength(1)
    await w.setProps({ saving: true })
    expect(w.findAllComponents(ElButton)[1].props('loading')).toBe(true)
    await w.findAllComponents(ElButton)[0].trigger('click')
    expect(w.emitted('update:modelValue')).toEqual([[false]])
  })

  it('submits its form on Enter', async () => {
    const w = shell({ submitLabel: 'Save' })
    await nextTick()
    await w.find('form').trigger('submit')
    expect(w.emitted('submit')).toHaveLength(1)
  })

  it('shows the slot as it is, with no form and no buttons, without a submit label', async () => {
    const w = shell({})
    await nextTick()
    expect(w.find('form').exists()).toBe(false)
    expect(w.find('[data-test=point-save]').exists()).toBe(false)
    expect(w.findAllComponents(ElButton)).toHaveLength(0)
  })

  it("lays out the slot's columns (the slot's elements carry the shell's slotted scope)", async () => {
    for (const submitLabel of ['Save', undefined]) {
      const w = shell({ submitLabel })
      await nextTick()
      expect(Object.keys(w.find('.two').attributes()).some((a) => /^data-v-.+-s$/.test(a))).toBe(true)
    }
  })
})
