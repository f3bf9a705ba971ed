// The risk-area page with the API mocked: residents by colour and level counts on top,
// the proposals awaiting a decision first, every community grouped by district and
// street; communities selected in both tables are declared at one level with a reason,
// and a level against the proposal is shown as an override before it is sent.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import type { RiskArea, RiskLevel } from '../../src/api/types'
import en from '../../src/i18n/en'
import zhCN from '../../src/i18n/zh-CN'
import { installElementPlus } from '../../src/plugins'
import { session } from '../../src/state/session'

function area(code: string, over: Partial<RiskArea> = {}): RiskArea {
  return {
    code, name: `Community ${code.slice(-3)}`, street_code: `${code.slice(0, 9)}000`, street: `Street ${code.slice(6, 9)}`,
    district: `District ${code.slice(4, 6)}`, level: 'low', since: null, declared_by: '', reason: '', overrides: '',
    proposed: 'low', proposal_reason: 'no case in 14 days', proposed_at: null, pending: false, cases_in_window: 0, last_case_date: '',
    ...over,
  }
}

const items = [
  area('220102001001', { pending: true, proposed: 'high', proposal_reason: '2 cases in 14 days', cases_in_window: 2, last_case_date: '2022-03-08' }),
  area('220102001002', { pending: true, proposed: 'medium', proposal_reason: 'street of a high-risk community' }),
  area('220102002001', { level: 'high', since: '2022-03-09T10:00:00+08:00', declared_by: 'commander', reason: 'outbreak', overrides: 'low', pending: true }),
  area('220103001001'),
]
const declared: [readonly string[], RiskLevel, string][] = []

vi.mock('../../src/api', () => ({
  client: {},
  api: {
    riskAreas: vi.fn(async () => ({ items, high: 1, medium: 0, pending: 3 })),
    colourCounts: vi.fn(async () => ({ green: 1200, yellow: 35, red: 4 })),
    declareRisk: vi.fn(async (codes: readonly string[], level: RiskLevel, reason: string) => {
      declared.push([codes, level, reason])
      return { items: codes.map((c) => ({ ...items.find((a) => a.code === c)!, level, overrides: level === 'high' ? '' : 'high' })) }
    }),
    riskArea: vi.fn(async (code: string) => ({ ...items.find((a) => a.code === code)!, history: [] })),
    riskRules: vi.fn(async () => ({ current: { version: 0, rules: { case_days: 14, street_medium: true }, changed_by: '', changed_at: null, reason: '' }, versions: [] })),
  },
}))

const RiskView = (await import('../../src/views/RiskView.vue')).default

function mountView(permissions: string[]) {
  session.me = { id: 1, username: 'commander', display_name: 'C', role: 'commander', area_code: '220100000000', area: {} as never, permissions }
  const i18n = createI18n({ legacy: false, locale: 'en', fallbackLocale: 'zh-CN', messages: { 'zh-CN': zhCN, en } })
  return mount(RiskView, { global: { plugins: [i18n, { install: installElementPlus }] }, attachTo: document.body })
}

beforeEach(() => {
  declared.length = 0
  document.body.innerHTML = ''
})

describe('RiskView', () => {
  it('shows counts by colour and level, and the proposals awaiting a decision first', async () => {
    const w = mountView(['risk.read', 'risk.declare', 'healthcode.read'])
    await flushPromises()
    expect(w.find('[data-test=count-yellow]').text()).toContain('35')
    expect(w.find('[data-test=risk-high]').text()).toContain('1')
    expect(w.find('[data-test=risk-awaiting]').text()).toContain('2')
    const pending = w.findAll('[data-test=pending-table] .el-table__body tr')
    expect(pending.length).toBe(2)
    expect(pending[0].text()).toContain('Community 001')
    expect(pending[0].text()).toContain('2 cases in 14 days')
    expect(pending[0].text()).toContain('2022-03-08')
    // The overridden community is decided: in the table, marked as an override.
    expect(w.findAll('[data-test=risk-overridden]').length).toBe(1)
    expect(w.findAll('[data-test=risk-name]').map((b) => b.attributes('data-code'))).toEqual([
      '220102001001', '220102001002', '220102002001', '220103001001',
    ])
    w.unmount()
  })

  it('hides selection and declaring without risk.declare, and the counts without healthcode.read', async () => {
    const w = mountView(['risk.read'])
    await flushPromises()
    expect(w.find('[data-test=declare-bar]').exists()).toBe(false)
    expect(w.find('[data-test=count-green]').exists()).toBe(false)
    expect(w.find('[data-test=risk-table] .el-checkbox').exists()).toBe(false)
    w.unmount()
  })

  it('declares the selected communities at one level, showing overrides of the proposal', async () => {
    const w = mountView(['risk.read', 'risk.declare'])
    await flushPromises()
    const boxes = w.findAll('[data-test=pending-table] .el-table__body .el-checkbox input')
    await boxes[0].setValue(true)
    await boxes[1].setValue(true)
    await flushPromises()
    expect(w.find('[data-test=declare-bar]').text()).toContain('2 communities selected')
    await w.find('[data-test=declare-open]').trigger('click')
    await flushPromises()
    const dialog = document.querySelector('[data-test=declare-dialog]')!
    expect(dialog.querySelectorAll('[data-test=declare-areas] li').length).toBe(2)
    // The two proposals differ: no level chosen for them; choosing high overrides the medium proposal.
    const high = dialog.querySelector('[data-test=declare-level] [data-value=high] input') as HTMLInputElement
    high.click()
    await flushPromises()
    const override = dialog.querySelector('[data-test=declare-override]')!
    expect(override.getAttribute('data-count')).toBe('1')
    expect(override.textContent).toContain('Community 002')
    // No reason: refused locally, nothing sent.
    ;(dialog.querySelector('[data-test=declare-submit]') as HTMLButtonElement).click()
    await flushPromises()
    expect(declared).toEqual([])
    expect(dialog.querySelector('.el-form-item.is-error textarea[name=declare-reason]')).not.toBeNull()
    const reason = dialog.querySelector('textarea[name=declare-reason]') as HTMLTextAreaElement
    reason.value = 'cases on 8 March'
    reason.dispatchEvent(new Event('input'))
    ;(dialog.querySelector('[data-test=declare-submit]') as HTMLButtonElement).click()
    await flushPromises()
    expect(declared).toEqual([[['220102001001', '220102001002'], 'high', 'cases on 8 March']])
    w.unmount()
  })
})
