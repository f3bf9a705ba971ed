// The supplies desk with the API mocked: its sections under their titles, the refresh button
// reloads; a step or a failure that needs a line of text asks for it and sends it trimmed,
// and a cancelled box sends nothing and reports nothing.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import type { SupplyClosure, SupplyOrder } from '../../src/api/types'
import en from '../../src/i18n/en'
import zhCN from '../../src/i18n/zh-CN'
import { installElementPlus } from '../../src/plugins'
import { session } from '../../src/state/session'

const acts: unknown[][] = []
const reopened: unknown[][] = []
const messages: unknown[] = []
let answer: () => Promise<{ value: string }>
let loads = 0

const order = (id: number, state: SupplyOrder['state']): SupplyOrder => ({
  id,
  kind: 'resident',
  compound_code: '220102001001-001',
  building_code: '220102001001-001-01',
  household_code: '220102001001-001-01-0101',
  households: 1,
  contact: '13800000001',
  items: [{ item: 'veg-box-a', quantity: 2 }],
  point_id: 1,
  point_name: 'P1',
  day: '2022-03-10',
  state,
  placed_at: null,
  accepted_at: null,
  packed_at: null,
  out_at: null,
  delivered_at: null,
  failed_at: null,
  deliverer: null,
  drop_point: null,
  photo: null,
  reason: null,
  created_by: 'u',
})
const closure: SupplyClosure = { area_code: '220102001001-001', name: 'C1', source: 'order', closed: true, reason: 'r', by: 'u', since: null }

vi.mock('element-plus', async (importOriginal) => {
  const real = await importOriginal<typeof import('element-plus')>()
  return {
    ...real,
    ElMessage: (m: unknown) => void messages.push(m),
    ElMessageBox: { prompt: vi.fn(() => answer()) },
  }
})

vi.mock('../../src/api', () => ({
  suppliesApi: {
    shortages: vi.fn(async () => {
      loads++
      return { items: [] }
    }),
    closures: vi.fn(async () => ({ items: [closure] })),
    totals: vi.fn(async () => ({ day: '2022-03-10', items: [] })),
    points: vi.fn(async () => ({ items: [] })),
    orders: vi.fn(async () => ({ items: [order(7, 'packed')] })),
    act: vi.fn(async (...a: unknown[]) => {
      acts.push(a)
      return order(7, 'out_for_delivery')
    }),
    reopen: vi.fn(async (...a: unknown[]) => {
      reopened.push(a)
      return closure
    }),
  },
}))

const SupplyDeskView = (await import('../../src/views/SupplyDeskView.vue')).default

async function mountView() {
  session.me = {
    id: 1,
    username: 'commander',
    display_name: 'C',
    role: 'commander',
    area_code: '220100000000',
    area: {} as never,
    permissions: ['livelihood.read', 'livelihood.write', 'livelihood.close'],
  }
  const i18n = createI18n({ legacy: false, locale: 'en', fallbackLocale: 'zh-CN', messages: { 'zh-CN': zhCN, en } })
  const w = mount(SupplyDeskView, { global: { plugins: [i18n, { install: installElementPlus }] } })
  await flushPromises()
  return w
}

beforeEach(() => {
  acts.length = 0
  reopened.length = 0
  messages.length = 0
  loads = 0
})

describe('SupplyDeskView', () => {
  it('shows its sections under their titles and reloads on refresh', async () => {
    const w = await mountView()
    const titles = ['desk-shortages', 'desk-closures', 'desk-totals', 'desk-points', 'desk-orders'].map((s) => w.find(`section[data-test=${s}] h3`).text())
    expect(titles).toEqual([en.supplies.shortages, en.supplies.closures, en.supplies.totalsToday, en.supplies.points, en.supplies.orders])
    expect(w.find('h2').text()).toBe(en.supplies.tabs.desk)
    expect(loads).toBe(1)
    await w.find('[data-test=desk-refresh]').trigger('click')
    await flushPromises()
    expect(loads).toBe(2)
  })
  it('dispatches to the deliverer typed, trimmed', async () => {
    const w = await mountView()
    answer = async () => ({ value: '  vol-3 ' })
    await w.find('[data-test=order-step]').trigger('click')
    await flushPromises()
    expect(acts).toEqual([[7, 'dispatch', { deliverer: 'vol-3' }]])
  })
  it('fails an order and reopens a closure with the reason typed', async () => {
    const w = await mountView()
    answer = async () => ({ value: ' nobody home ' })
    await w.find('[data-test=order-fail]').trigger('click')
    await flushPromises()
    await w.find('[data-test=closure-reopen]').trigger('click')
    await flushPromises()
    expect(acts).toEqual([[7, 'fail', { reason: 'nobody home' }]])
    expect(reopened).toEqual([['220102001001-001', 'nobody home']])
  })
  it('sends nothing and reports nothing when the box is cancelled or closed', async () => {
    const w = await mountView()
    for (const why of ['cancel', 'close']) {
      answer = () => Promise.reject(why)
      await w.find('[data-test=order-step]').trigger('click')
      await w.find('[data-test=order-fail]').trigger('click')
      await w.find('[data-test=closure-reopen]').trigger('click')
      await flushPromises()
    }
    expect(acts).toEqual([])
    expect(reopened).toEqual([])
    expect(messages).toEqual([])
  })
})
