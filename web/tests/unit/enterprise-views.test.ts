// The enterprise pages with the API mocked: the filing form stops on a bad roster line
// (naming it) and sends nothing; a returned filing shows every reason, a filed one offers
// 申报复工; the policy editor shows a rule's parse error at its line and column with the
// character underlined, and a dry run over budget in red; the benefits page explains each
// condition with ✓/✗ and the enterprise's value, and confirming sends the confirm.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import { createMemoryHistory, createRouter } from 'vue-router'
import { ApiError } from '../../src/api/client'
import type { Benefit, DryRun, Enterprise, Filing, NewFiling, PolicyVerdict } from '../../src/api/types'
import en from '../../src/i18n/en'
import zhCN from '../../src/i18n/zh-CN'
import { installElementPlus } from '../../src/plugins'
import { resetMyEnterprise } from '../../src/state/myEnterprise'

const calls = { file: [] as NewFiling[], open: 0, dry: [] as unknown[], act: [] as unknown[] }
let fileAnswer: () => Promise<Filing>
let dryAnswer: () => Promise<DryRun>

const ENT = { id: 7, name: '南关区鲁氏五金店', resumption: 'not_filed', industry: 'F', size: 'micro', uscc: 'X', district_name: '南关区', staff_back: 0, employees: 2 } as Enterprise

function filing(over: Partial<Filing>): Filing {
  return { id: 1, enterprise_id: 7, status: 'filed', plan: {}, staff_before: 2, roster_count: 1, open_on: '2022-03-11', reasons: [], filed_by: 'firm01', filed_at: null, opened_at: null, ...over }
}

const verdict: PolicyVerdict = {
  policy_id: 1,
  policy_code: 'rent-relief',
  policy_name: '中小微服务业企业房租减免',
  qualifies: true,
  amount: 0.2,
  benefit_status: 'pushed',
  terms: [
    { condition: 'size in ["small", "micro"]', holds: true, actual: 'size is "micro"' },
    { condition: 'revenue_drop >= 30', holds: true, actual: 'revenue_drop is 44.08' },
  ],
}
const notEligible: PolicyVerdict = {
  policy_id: 2,
  policy_code: 'stable-jobs',
  policy_name: '稳岗补贴',
  qualifies: false,
  amount: 0,
  benefit_status: null,
  terms: [
    { condition: 'resumption = "open"', holds: true, actual: 'resumption is "open"' },
    { condition: 'employees >= 10', holds: false, actual: 'employees is 2' },
  ],
}
const benefit: Benefit = {
  policy_id: 1,
  policy_code: 'rent-relief',
  policy_name: '中小微服务业企业房租减免',
  enterprise_id: 7,
  enterprise_name: ENT.name,
  amount: 0.2,
  status: 'pushed',
  reference: '',
  pushed_at: null,
  decided_at: null,
  disbursed_at: null,
}

vi.mock('../../src/api', () => ({
  client: { token: 'x', hasValidSession: () => true },
  api: {},
  entApi: {
    myEnterprise: vi.fn(async () => ({ ...ENT })),
    file: vi.fn((_id: number, f: NewFiling) => {
      calls.file.push(f)
      return fileAnswer()
    }),
    open: vi.fn(async () => {
      calls.open++
      return { ...ENT, resumption: 'open' }
    }),
    policies: vi.fn(async () => ({ items: [] })),
    facts: vi.fn(async () => ({ items: [{ name: 'revenue_drop', type: 'number', meaning: 'percent fall of revenue' }] })),
    dryRun: vi.fn((...a: unknown[]) => {
      calls.dry.push(a)
      return dryAnswer()
    }),
    benefits: vi.fn(async () => ({ items: [benefit] })),
    explain: vi.fn(async () => ({ items: [verdict, notEligible] })),
    actOnBenefit: vi.fn(async (...a: unknown[]) => {
      calls.act.push(a)
      return { ...benefit, status: 'confirmed' }
    }),
  },
}))

function plugins() {
  const i18n = createI18n({ legacy: false, locale: 'zh-CN', fallbackLocale: 'zh-CN', messages: { 'zh-CN': zhCN, en } })
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', name: 'ent-me', component: { render: () => null } }] })
  return { global: { plugins: [i18n, router, { install: installElementPlus }] }, attachTo: document.body }
}

beforeEach(() => {
  calls.file.length = 0
  calls.open = 0
  calls.dry.length = 0
  calls.act.length = 0
  resetMyEnterprise()
  document.body.innerHTML = ''
})

describe('复工备案', () => {
  async function filled() {
    const { default: View } = await import('../../src/views/EntFilingView.vue')
    const w = mount(View, plugins())
    await flushPromises()
    return w
  }

  it('names the bad roster lines and sends nothing while any is left', async () => {
    const w = await filled()
    await w.find('[data-test=f-roster]').setValue('张三,220102199001011239,13912345678\n李四,220102199001011238')
    expect(w.find('[data-test=roster-errors]').text()).toBe('第 2 行：身份证号校验位不对')
    expect(w.find('[data-test=roster-count]').text()).toBe('已识别 1 人')
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(calls.file).toEqual([])
    expect(w.text()).toContain('名册有 1 行需要修改')
  })

  it('shows every reason of a returned filing, then offers 申报复工 once filed', async () => {
    const w = await filled()
    fileAnswer = async () =>
      filing({
        status: 'returned',
        reasons: ['plan.isolation_point: no temporary isolation point is set up', 'plan.supply_days: protective supplies for at least 7 days are required', 'open_on: the planned opening day is missing'],
      })
    await w.find('[data-test=f-responsible]').setValue('郭桂兰')
    await w.find('[data-test=f-roster]').setValue('张三,220102199001011239,13912345678')
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(calls.file[0]).toMatchObject({ responsible: '郭桂兰', isolation_point: false, supply_days: 0, roster: [{ name: '张三', id_number: '220102199001011239', phone: '13912345678' }] })
    const reasons = w.findAll('[data-test=filing-reason]').map((x) => x.text())
    expect(reasons).toEqual(['未设置临时隔离点', '防护物资储备不足 7 天', '未填写计划复工日期'])
    expect(w.find('[data-test=filing-returned]').text()).toContain('缺少 3 项')

    fileAnswer = async () => filing({ status: 'filed' })
    const api = (await import('../../src/api')).entApi
    vi.mocked(api.myEnterprise).mockResolvedValueOnce({ ...ENT, resumption: 'filed' })
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(w.find('[data-test=filing-returned]').exists()).toBe(false)
    await w.find('[data-test=filing-open]').trigger('click')
    await flushPromises()
    expect(calls.open).toBe(1)
    expect(w.find('[data-test=filing-open-done]').exists()).toBe(true)
  })

  it('puts a roster entry the server refuses under its pasted line', async () => {
    const w = await filled()
    fileAnswer = async () => {
      throw new ApiError(400, { detail: 'filing is invalid', errors: [{ field: 'roster[1].phone', message: 'is not a mobile number' }] })
    }
    await w.find('[data-test=f-roster]').setValue('\n张三,220102199001011239\n李四,220102198506120022,13912345678')
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(w.find('[data-test=roster-errors] [data-line="3"]').text()).toBe('第 3 行：is not a mobile number')
  })
})

describe('政策编辑', () => {
  it('points at the line and column of a rule error, and shows a dry run over budget in red', async () => {
    const { default: View } = await import('../../src/views/PolicyEditorView.vue')
    const w = mount(View, plugins())
    await flushPromises()
    dryAnswer = async () => {
      throw new ApiError(422, {
        detail: "rule: line 1, column 10: expected a value after '[' (size is text), found ']'",
        errors: [{ field: 'rule', message: "line 1, column 10: expected a value after '[' (size is text), found ']'" }],
      })
    }
    await w.find('[data-test=rule-rule]').setValue('size in []')
    await w.find('[data-test=rule-benefit]').setValue('1')
    await w.find('[data-test=policy-dry-run]').trigger('click')
    await w.find('form').trigger('submit')
    await flushPromises()
    const err = w.find('[data-test=rule-error-rule]')
    expect(err.find('[data-line]').attributes()).toMatchObject({ 'data-line': '1', 'data-column': '10' })
    expect(err.text()).toContain('第 1 行第 10 列')
    expect(w.find('[data-test=rule-caret-rule] mark').text()).toBe(']')

    dryAnswer = async () => ({
      enterprises: 289,
      considered: 6825,
      amount: 289,
      budget: 5,
      over_budget: true,
      by_industry: [{ key: 'A', name: '', enterprises: 83, amount: 83 }],
      by_district: [{ key: '220102000000', name: '南关区', enterprises: 30, amount: 30 }],
      by_size: [{ key: 'small', name: '', enterprises: 289, amount: 289 }],
      sample: [],
      match_ms: 1,
    })
    await w.find('[data-test=rule-rule]').setValue('size in ["small"]')
    await w.find('[data-test=p-budget]').setValue('5')
    await w.find('form').trigger('submit')
    await flushPromises()
    expect(calls.dry.at(-1)).toEqual(['size in ["small"]', '1', 5])
    expect(w.find('[data-test=rule-error-rule]').exists()).toBe(false)
    expect(w.find('[data-test=dry-cost]').attributes('data-over')).toBe('true')
    expect((w.find('[data-test=dry-cost] strong').element as HTMLElement).style.color).toMatch(/rgb\(217, 48, 37\)|#d93025/i)
    expect(w.find('[data-test=dry-over]').text()).toBe('超出预算')
    expect(w.find('[data-test=dry-enterprises]').text()).toBe('289')
  })
})

describe('惠企政策', () => {
  it('explains each condition with ✓/✗ and the enterprise’s value, and confirms a pushed benefit', async () => {
    const { default: View } = await import('../../src/views/EntBenefitsView.vue')
    const w = mount(View, plugins())
    await flushPromises()
    const card = w.find('[data-test=benefit][data-policy="1"]')
    expect(card.find('[data-test=benefit-amount]').text()).toBe('0.2 万元')
    const terms = card.findAll('[data-test=verdict-term]').map((x) => x.text())
    expect(terms).toEqual(['✓size in ["small", "micro"]本企业规模：微型', '✓revenue_drop >= 30本企业营收降幅（%）：44.08'])
    expect(card.text()).toContain('为什么能享受')
    const other = w.find('[data-test=verdict][data-policy="2"]')
    expect(other.text()).toContain('为什么不能享受')
    expect(other.findAll('[data-test=verdict-term]')[0].text()).toMatch(/^✗\s*employees >= 10\s*本企业从业人数：2$/)
    await card.find('[data-test=benefit-confirm]').trigger('click')
    await flushPromises()
    expect(calls.act).toEqual([[1, 7, 'confirm']])
    expect(w.find('[data-test=benefit][data-policy="1"]').attributes('data-status')).toBe('confirmed')
    expect(w.find('[data-test=benefit-confirm]').exists()).toBe(false)
  })
})
