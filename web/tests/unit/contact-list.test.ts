import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import type { Contact, Me } from '../../src/api/types'
import en from '../../src/i18n/en'
import zhCN from '../../src/i18n/zh-CN'
import { installElementPlus } from '../../src/plugins'
import { session } from '../../src/state/session'

function contact(id: number, status: Contact['status'], removed_at: string | null = null, tier: Contact['tier'] = 'close'): Contact {
  return {
    id,
    resident_id: 10 + id,
    name: `P${id}`,
    phone: '138****0000',
    household_code: 'h',
    tier,
    ring: tier,
    score: 0.5 / id,
    terms: ['与病例#1 同住', '03-01 08:00 起与病例 同场 3 次、2 天，共 19 分钟', '人流密集', `评分 ${(0.5 / id).toFixed(3)}`],
    case_id: 1,
    via_resident_id: null,
    reason_kind: 'venue',
    venue_id: 5,
    exposure_at: '2022-03-01T08:00:00.000+08:00',
    reason: '与病例#1 同住；评分',
    status,
    officer: '',
    run_id: 7,
    listed_by: 'admin',
    listed_at: '2022-03-05T00:00:00.000+08:00',
    updated_at: '2022-03-05T00:00:00.000+08:00',
    removed_at,
    removed_reason: '',
  }
}

const calls: unknown[] = []
const bulkCalls: unknown[][] = []
let page: Contact[] = []
vi.mock('../../src/api', () => ({
  api: {
    contacts: vi.fn(async (q: unknown) => {
      calls.push(q)
      return { items: page, next_after: null }
    }),
    contact: vi.fn(async (id: number) => ({ ...contact(id, 'pending'), history: [] })),
    tierRules: vi.fn(async () => {
      throw new Error('not in this test: the defaults stand in')
    }),
    setContactStatuses: vi.fn(async (ids: number[], status: string, officer: string, note?: string) => {
      bulkCalls.push([ids, status, officer, note])
      return {
        updated: ids.length - 1,
        failed: 1,
        items: ids.map((id, i) =>
          i === 0
            ? { id, error: { code: 'CONFLICT', message: `contact ${id} is already 'notified'; status moves forward only`, fields: [] } }
            : { ...contact(id, status as Contact['status'], null, 'exposed'), name: '' },
        ),
      }
    }),
  },
}))

import ContactList from '../../src/components/ContactList.vue'

function me(permissions: string[]): Me {
  return { id: 1, username: 'u', display_name: 'U', role: 'grid_worker', area_code: 'a', permissions, area: { code: 'a', parent_code: null, name: 'A', level: 'community', path: '/a/', mode: 'peacetime' } }
}

function mountList(props: Record<string, unknown>) {
  const i18n = createI18n({ legacy: false, locale: 'zh-CN', fallbackLocale: 'zh-CN', messages: { 'zh-CN': zhCN, en } })
  return mount(ContactList, { props, global: { plugins: [i18n, { install: installElementPlus }] }, attachTo: document.body })
}

describe('ContactList', () => {
  beforeEach(() => {
    calls.length = 0
    bulkCalls.length = 0
    page = [contact(1, 'pending'), contact(2, 'released'), contact(3, 'notified', '2022-03-06T00:00:00+08:00')]
    document.body.innerHTML = ''
  })

  it('asks for the run’s list and offers the next step only where one exists', async () => {
    session.me = me(['case.read', 'contact.write'])
    const w = mountList({ run: 7, compact: true })
    await flushPromises()
    expect(calls[0]).toMatchObject({ run: 7, limit: 50 })
    const rows = w.findAll('[data-test=contact-row]')
    expect(rows.map((r) => r.attributes('data-status'))).toEqual(['pending', 'released', 'notified'])
    const buttons = w.findAll('[data-test=contact-advance]')
    expect(buttons).toHaveLength(1) // released is done, the removed entry is off the list
    expect(buttons[0].text()).toBe('标记为已通知')
    expect(w.find('[data-test=contact-count]').text()).toBe('已显示 3 人')
    expect(w.find('[data-test=contact-order]').text()).toContain('按暴露评分从高到低')
    w.unmount()
  })

  it('offers no status change and no selection without contact.write', async () => {
    session.me = me(['case.read'])
    const w = mountList({ caseId: 1, compact: true })
    await flushPromises()
    expect(calls[0]).toMatchObject({ case: 1 })
    expect(w.findAll('[data-test=contact-row]')).toHaveLength(3)
    expect(w.findAll('[data-test=contact-advance]')).toHaveLength(0)
    expect(w.findAll('[data-test=contact-pick]')).toHaveLength(0)
    expect(w.find('[data-test=bulk-bar]').exists()).toBe(false)
    w.unmount()
  })

  it('shows each row’s tier chip with its action, the score and the first two terms', async () => {
    session.me = me(['case.read'])
    page = [contact(1, 'pending', null, 'close'), contact(2, 'monitoring', null, 'exposed')]
    const w = mountList({ compact: true })
    await flushPromises()
    const chips = w.findAll('[data-test=contact-row] [data-test=tier-chip]')
    expect(chips.map((c) => c.attributes('data-tier'))).toEqual(['close', 'exposed'])
    expect(chips[0].text()).toBe('密接集中隔离')
    expect(chips[1].text()).toBe('风险人员健康监测')
    expect(w.findAll('[data-test=contact-score]').map((s) => s.text())).toEqual(['0.500', '0.250'])
    const first = w.findAll('[data-test=contact-terms]')[0]
    expect(first.findAll('[data-test=contact-term]').map((t) => t.text())).toEqual([page[0].terms[0], page[0].terms[1]])
    await first.find('[data-test=contact-terms-toggle]').trigger('click')
    expect(first.findAll('[data-test=contact-terms-all] li').map((li) => li.text())).toEqual(page[0].terms)
    // An exposed entry under monitoring is released next, never quarantined.
    expect(w.findAll('[data-test=contact-row] [data-test=contact-status]')[1].text()).toBe('监测中')
    w.unmount()
  })

  it('offers the exposed tier’s statuses as its next step and filters by tier', async () => {
    session.me = me(['case.read', 'contact.write'])
    page = [contact(4, 'notified', null, 'exposed')]
    const w = mountList({ compact: true })
    await flushPromises()
    expect(w.find('[data-test=contact-advance]').text()).toBe('标记为监测中')
    w.unmount()
  })

  it('moves a page of one tier together and lists the ids that failed', async () => {
    session.me = me(['case.read', 'contact.write'])
    page = [contact(4, 'pending', null, 'exposed'), contact(5, 'pending', null, 'exposed'), contact(6, 'released', null, 'exposed')]
    const w = mountList({ compact: true })
    await flushPromises()
    expect(w.findAll('[data-test=contact-pick]')).toHaveLength(2) // released has no step left
    await w.find('[data-test=select-page] input').setValue(true)
    expect(w.find('[data-test=bulk-count]').text()).toBe('已选 2 人')
    expect(w.find('[data-test=bulk-problem]').exists()).toBe(false)
    await w.find('[data-test=bulk-open]').trigger('click')
    await flushPromises()
    const dialog = document.querySelector('[data-test=bulk-dialog]')!
    expect(dialog.querySelector('[data-test=bulk-dialog-count]')!.textContent).toBe('2 人')
    const officer = dialog.querySelector('input[data-test=bulk-officer]') as HTMLInputElement
    officer.value = '社区医生 李文'
    officer.dispatchEvent(new Event('input'))
    ;(dialog.querySelector('[data-test=bulk-submit]') as HTMLButtonElement).click()
    await flushPromises()
    expect(bulkCalls).toEqual([[[4, 5], 'notified', '社区医生 李文', '']])
    const failures = [...document.querySelectorAll('[data-test=bulk-failure]')]
    expect(failures.map((f) => f.getAttribute('data-id'))).toEqual(['4'])
    expect(failures[0].textContent).toContain('P4')
    expect(failures[0].textContent).toContain("already 'notified'")
    expect(document.querySelector('[data-test=bulk-failures]')!.textContent).toContain('已更新 1 人，1 人未更新')
    w.unmount()
  })

  it('refuses a selection that spans tiers', async () => {
    session.me = me(['case.read', 'contact.write'])
    page = [contact(1, 'pending', null, 'close'), contact(2, 'pending', null, 'exposed')]
    const w = mountList({ compact: true })
    await flushPromises()
    await w.find('[data-test=select-page] input').setValue(true)
    expect(w.find('[data-test=bulk-problem]').text()).toContain('属于不同类别')
    expect(w.find('[data-test=bulk-open]').attributes('disabled')).toBeDefined()
    w.unmount()
  })
})
