import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import type { Contact, Me } from '../../src/api/types'
import en from '../../src/i18n/en'
import zhCN from '../../src/i18n/zh-CN'
import { installElementPlus } from '../../src/plugins'
import { session } from '../../src/state/session'

function contact(id: number, status: Contact['status'], removed_at: string | null = null): Contact {
  return {
    id,
    resident_id: 10 + id,
    name: `P${id}`,
    phone: '138****0000',
    household_code: 'h',
    ring: 'close',
    case_id: 1,
    via_resident_id: null,
    reason_kind: 'venue',
    venue_id: 5,
    exposure_at: '2022-03-01T08:00:00.000+08:00',
    reason: '2022-03-01T08:00 与病例(居民 1)同在 某超市',
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
vi.mock('../../src/api', () => ({
  api: {
    contacts: vi.fn(async (q: unknown) => {
      calls.push(q)
      return { items: [contact(1, 'pending'), contact(2, 'released'), contact(3, 'notified', '2022-03-06T00:00:00+08:00')], next_after: null }
    }),
    contact: vi.fn(async (id: number) => ({ ...contact(id, 'pending'), history: [] })),
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
    w.unmount()
  })

  it('offers no status change without contact.write', async () => {
    session.me = me(['case.read'])
    const w = mountList({ caseId: 1, compact: true })
    await flushPromises()
    expect(calls[0]).toMatchObject({ case: 1 })
    expect(w.findAll('[data-test=contact-row]')).toHaveLength(3)
    expect(w.findAll('[data-test=contact-advance]')).toHaveLength(0)
    w.unmount()
  })
})
