// The public risk list and the passage statistics with the API mocked, and where a
// checkpoint's staff and a resident land.
import { describe, expect, it, vi } from 'vitest'
import { flushPromises, mount, RouterLinkStub } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import en from '../../src/i18n/en'
import zhCN from '../../src/i18n/zh-CN'
import { installElementPlus } from '../../src/plugins'

const statsAsked: [string, string][] = []

vi.mock('../../src/api', () => ({
  client: { token: 'x', hasValidSession: () => true },
  api: {
    health: vi.fn(async () => ({ time: '2022-03-10T16:00:00+08:00' })),
    publicRisk: vi.fn(async () => ({
      date: '2022-03-10',
      updated_at: 0,
      high_count: 2,
      medium_count: 0,
      high: [
        { code: '220102001001', name: 'Jinchang', street: 'Shengshan', district: 'Nanguan', since: '2022-03-09' },
        { code: '220102001002', name: 'Quanan', street: 'Shengshan', district: 'Nanguan', since: '2022-03-10' },
      ],
      medium: [],
    })),
    checkpoints: vi.fn(async () => ({ items: [{ code: 'G1', name: 'Gate 1', kind: 'highway', area_code: '220102', area_name: 'Nanguan', staff: [] }] })),
    checkpointStats: vi.fn(async (code: string, date: string) => {
      statsAsked.push([code, date])
      return {
        hours: [{ hour: 9, pass: 40, deny: 2, test: 5, green: 40, yellow: 5, red: 2, permits: 3 }],
        totals: { pass: 40, deny: 2, test: 5, green: 40, yellow: 5, red: 2, permits: 3 },
      }
    }),
  },
}))

function i18n(locale = 'en') {
  return createI18n({ legacy: false, locale, fallbackLocale: 'zh-CN', messages: { 'zh-CN': zhCN, en } })
}

describe('PublicRiskView', () => {
  it('lists today’s high-risk communities by district and street, and says there is no medium one', async () => {
    const PublicRiskView = (await import('../../src/views/PublicRiskView.vue')).default
    const w = mount(PublicRiskView, { global: { plugins: [i18n('zh-CN'), { install: installElementPlus }], stubs: { RouterLink: RouterLinkStub } } })
    await flushPromises()
    expect(w.find('[data-test=public-date]').text()).toContain('2022-03-10')
    const high = w.find('[data-test=public-high]')
    expect(high.attributes('data-count')).toBe('2')
    expect(high.find('h3').text()).toBe('Nanguan')
    expect(high.find('h4').text()).toBe('Shengshan')
    expect(high.findAll('[data-test=public-area]').map((a) => a.attributes('data-code'))).toEqual(['220102001001', '220102001002'])
    expect(w.find('[data-test=public-medium-none]').text()).toBe('今日无中风险区。')
    expect(w.findComponent(RouterLinkStub).props().to).toEqual({ name: 'login' })
  })
})

describe('CheckpointStatsView', () => {
  it('asks for the first checkpoint on the server’s today and shows totals, chart and hours', async () => {
    const CheckpointStatsView = (await import('../../src/views/CheckpointStatsView.vue')).default
    const w = mount(CheckpointStatsView, { global: { plugins: [i18n(), { install: installElementPlus }] } })
    await flushPromises()
    expect(statsAsked).toEqual([['G1', '2022-03-10']])
    expect(w.find('[data-test=stats-total-deny]').text()).toContain('2')
    expect(w.find('[data-test=passage-chart]').exists()).toBe(true)
    const rows = w.findAll('[data-test=stats-table] .el-table__body tr')
    expect(rows.length).toBe(1)
    expect(rows[0].text()).toContain('09:00')
  })
})

describe('where a login lands (health codes)', () => {
  async function landing(user: { role: string; permissions: string[]; resident_id?: number | null }, path = '/') {
    const { router } = await import('../../src/router')
    const { session } = await import('../../src/state/session')
    session.me = { id: 1, username: 'u', display_name: 'U', area_code: '220102001001', area: {} as never, ...user }
    await router.push(path)
    return router.currentRoute.value
  }

  it('sends a checkpoint’s staff to the checkpoint page, and keeps them off pages they lack', async () => {
    const staff = { role: 'checkpoint_staff', permissions: ['checkpoint.operate'] }
    expect((await landing(staff)).name).toBe('hc-checkpoint')
    expect((await landing(staff, '/hc/risk')).name).toBe('hc-checkpoint')
    expect((await landing(staff, '/hc/stats')).name).toBe('hc-checkpoint')
    expect((await landing(staff, '/testing/me')).name).toBe('hc-checkpoint')
    expect((await landing(staff, '/welcome')).name).toBe('hc-checkpoint')
  })

  it('gives a resident their own code next to their results, and staff the pages of their permissions', async () => {
    expect((await landing({ role: 'resident', permissions: [], resident_id: 7 }, '/hc/me')).name).toBe('hc-mycode')
    expect((await landing({ role: 'resident', permissions: [], resident_id: 7 }, '/hc/risk')).name).toBe('hc-mycode')
    const commander = { role: 'commander', permissions: ['area.read', 'risk.read', 'risk.declare', 'checkpoint.manage'] }
    expect((await landing(commander, '/hc/risk')).name).toBe('hc-risk')
    expect((await landing(commander, '/hc/stats')).name).toBe('hc-stats')
    expect((await landing(commander, '/hc/checkpoint')).name).toBe('hc-risk')
    expect((await landing(commander, '/hc/me')).name).toBe('hc-risk')
  })

  it('lets anyone open today’s risk areas without logging in', async () => {
    const { router } = await import('../../src/router')
    const { session } = await import('../../src/state/session')
    session.me = null
    await router.push('/public/risk')
    expect(router.currentRoute.value.name).toBe('public-risk')
  })
})
