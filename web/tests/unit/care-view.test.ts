// The special-care roster's phone page with the API mocked: the worker's list in the
// server's order with the phone to dial; a call with a need sent as the server takes it,
// a need of kind "other" without a note refused before sending; the command's board
// lists escalations and closes a task.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import type { CareEscalation, CareList, CareTask, NewCareCall } from '../../src/api/types'
import en from '../../src/i18n/en'
import zhCN from '../../src/i18n/zh-CN'
import { installElementPlus } from '../../src/plugins'
import { callProblems } from '../../src/lib/care'

let lists: CareList[] = []
let escalations: CareEscalation[] = []
let tasks: CareTask[] = []
const recorded: NewCareCall[] = []
const closed: number[] = []

vi.mock('../../src/api', () => ({
  api: {
    careLists: vi.fn(async () => ({ date: '2022-03-10', items: lists })),
    recordCareCall: vi.fn(async (c: NewCareCall) => {
      recorded.push(c)
      return { id: 1, ...c, at: '2022-03-10T10:00:00+08:00', needs: c.needs ?? [], note: '', name: '', worker: '', tasks: [] }
    }),
    careEscalations: vi.fn(async () => ({ items: escalations })),
    careTasks: vi.fn(async () => ({ items: tasks })),
    closeCareTask: vi.fn(async (id: number) => {
      closed.push(id)
      return tasks[0]
    }),
  },
}))

const CareView = (await import('../../src/views/CareView.vue')).default

function mountView(page: 'calls' | 'board') {
  const i18n = createI18n({ legacy: false, locale: 'en', fallbackLocale: 'zh-CN', messages: { 'zh-CN': zhCN, en } })
  return mount(CareView, {
    props: { page },
    global: { plugins: [i18n, { install: installElementPlus }], stubs: { teleport: true } },
  })
}

const entry = (id: number, name: string, kinds: CareList['entries'][0]['kinds'], called = false) => ({
  resident_id: id,
  name,
  phone: `1380000000${id}`,
  kinds,
  priority: 1,
  grid_code: '220102001001-G01',
  called_today: called,
  misses_in_row: 0,
  last_call: null,
})

beforeEach(() => {
  lists = [
    {
      caller: { kind: 'worker', user_id: 5, username: 'grid01' },
      total: 2,
      called_today: 1,
      entries: [entry(2, '重病乙', ['severe_illness']), entry(1, '独居甲', ['elderly_alone'], true)],
    },
  ]
  escalations = []
  tasks = []
  recorded.length = 0
  closed.length = 0
})

describe('CareView', () => {
  it("lists the worker's people in the server's order with the number to dial", async () => {
    const w = mountView('calls')
    await flushPromises()
    expect(w.findAll('[data-test=care-entry]').map((e) => e.attributes('data-resident'))).toEqual(['2', '1'])
    expect(w.find('[data-test=care-phone]').attributes('href')).toBe('tel:13800000002')
    expect(w.find('[data-test=care-summary]').text()).toContain('1 of 2')
  })

  it('records a call whose need becomes a task, as the server takes it', async () => {
    const w = mountView('calls')
    await flushPromises()
    await w.find('[data-test=care-entry]').trigger('click')
    await w.find('[data-outcome=reached_with_needs] input').setValue(true)
    await w.find('[data-test=care-submit]').trigger('submit')
    expect(w.find('[data-test=care-problem-needs]').exists()).toBe(true)  // a need is required
    expect(recorded).toEqual([])
    await w.find('[data-test=care-add-need]').trigger('click')
    await w.find('[data-test=care-need] input.el-input__inner').setValue('降压药')
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(recorded).toEqual([{ resident_id: 2, outcome: 'reached_with_needs', needs: [{ kind: 'medicine', note: '降压药' }], note: undefined }])
  })

  it("shows the command's escalations and closes a task", async () => {
    escalations = [
      {
        resident_id: 1,
        name: '独居甲',
        phone: '138****0001',
        grid_code: '220102001001-G01',
        reason: 'missed_in_row',
        misses: 2,
        to: { kind: 'grid_head', resident_id: 9, name: '网格长丙', phone: '139****0009' },
        caller: { kind: 'worker', user_id: 5, username: 'grid01' },
      },
    ]
    tasks = [
      { id: 7, call_id: 3, resident_id: 1, name: '独居甲', kind: 'food', detail: '米面', state: 'open', raised_by: 'grid01',
        raised_at: '2022-03-10T10:00:00+08:00', due_by: '2022-03-10T22:00:00+08:00', closed_by: null, closed_at: null, close_note: '' },
    ]
    const w = mountView('board')
    await flushPromises()
    const esc = w.find('[data-test=care-escalation]')
    expect(esc.attributes('data-reason')).toBe('missed_in_row')
    expect(esc.text()).toContain('网格长丙')
    expect(esc.text()).toContain('grid01')
    await w.find('[data-test=care-close]').trigger('click')
    await flushPromises()
    expect(closed).toEqual([7])
  })
})

describe('callProblems', () => {
  it('names the field the server would name', () => {
    expect(callProblems('', [])).toEqual({ outcome: 'care.problem.outcome' })
    expect(callProblems('reached_with_needs', [])).toEqual({ needs: 'care.problem.needs' })
    expect(callProblems('reached_with_needs', [{ kind: 'other', note: ' ' }])).toEqual({ 'needs[0].note': 'care.problem.otherNote' })
    expect(callProblems('reached_ok', [])).toEqual({})
  })
})
