// The enterprise pages' rules (lib/enterprise.ts): who sees which page and where an
// enterprise user or a liaison officer lands; rates as percentages, bars and history
// lines; the place of a rule's parse error and the character it points at; the roster
// pasted as lines with an error per bad line; a returned filing's reasons; a policy
// verdict's ✓/✗ conditions; a dry run over budget; overdue items, fever, leverage.
import { describe, expect, it } from 'vitest'
import type { PolicyVerdict, RateHistoryRow, RateRow } from '../../src/api/types'
import {
  budgetUse,
  breakdownBars,
  entHome,
  entLanding,
  entPages,
  errorSpan,
  explainTerm,
  explainVerdict,
  feverish,
  filingReason,
  historySeries,
  idNumberValid,
  itemOverdue,
  leverageText,
  measureList,
  parseRoster,
  parseRuleError,
  ratePercent,
  rateBars,
  rateLabel,
  rosterErrorLine,
} from '../../src/lib/enterprise'

const FIRM = ['hotline.intake', 'hotline.read', 'enterprise.read', 'enterprise.act']
const COMMANDER = ['area.read', 'hotline.read', 'enterprise.read', 'enterprise.liaison', 'policy.manage']
const DISTRICT = ['area.read', 'enterprise.read', 'enterprise.write', 'enterprise.act', 'enterprise.liaison']
const OFFICER = ['area.read', 'hotline.read', 'hotline.handle', 'enterprise.read', 'enterprise.liaison']

function row(over: Partial<RateRow> = {}): RateRow {
  return {
    key: 'C',
    name: '',
    enterprises: 10,
    filed: 8,
    opened: 7,
    above_scale: 2,
    above_scale_open: 1,
    staff_before: 100,
    staff_back: 46,
    resumption_rate: 0.7,
    filing_rate: 0.8,
    capacity_rate: 0.46,
    above_scale_rate: 0.5,
    ...over,
  }
}

describe('pages and landings', () => {
  it('gives an enterprise user only their own pages, staff only the staff pages their permissions allow', () => {
    expect(entPages(FIRM, { role: 'enterprise_user' })).toEqual(['me', 'filing', 'health', 'needs', 'appeals', 'benefits'])
    expect(entPages(COMMANDER, { role: 'commander' })).toEqual(['dashboard', 'list', 'policies', 'disbursement', 'vouchers', 'liaison'])
    expect(entPages(DISTRICT, { role: 'area_operator' })).toEqual(['dashboard', 'list', 'vouchers', 'liaison'])
    expect(entPages(['enterprise.read'], { role: 'enterprise_user' })).toEqual([])
    expect(entHome(['area.read'], { role: 'grid_worker' })).toBeNull()
  })

  it('lands an enterprise user on 我的企业 and a department handler on the liaison page only when they serve an enterprise', () => {
    expect(entLanding(FIRM, { role: 'enterprise_user' }, false)).toBe('me')
    expect(entLanding(OFFICER, { role: 'department_handler' }, true)).toBe('liaison')
    expect(entLanding(OFFICER, { role: 'department_handler' }, false)).toBeNull()
    expect(entLanding(['hotline.read', 'hotline.handle'], { role: 'department_handler' }, true)).toBeNull()
    expect(entLanding(COMMANDER, { role: 'commander' }, true)).toBeNull()
  })
})

describe('rates', () => {
  it('formats a rate with one decimal, and nothing counted as a dash', () => {
    expect(ratePercent(0.72263)).toBe(72.3)
    expect(ratePercent(1)).toBe(100)
    expect(ratePercent(null)).toBeNull()
    expect(rateLabel(0.72263, 'zh-CN')).toBe('72.3%')
    expect(rateLabel(0.5, 'en')).toBe('50.0%')
    expect(rateLabel(0, 'zh-CN', 0)).toBe('—')
    expect(rateLabel(Number.NaN)).toBe('—')
  })

  it('orders bars by the rate, highest first, and leaves a bar out where nothing is counted', () => {
    const bars = rateBars(
      [row({ key: 'F', resumption_rate: 0.5 }), row({ key: 'C', resumption_rate: 0.9 }), row({ key: 'T', enterprises: 0, resumption_rate: 0 })],
      'resumption_rate',
      (r) => `${r.key}!`,
    )
    expect(bars.keys).toEqual(['C', 'F', 'T'])
    expect(bars.labels).toEqual(['C!', 'F!', 'T!'])
    expect(bars.values).toEqual([90, 50, null])
    // Capacity is over staff before: none counted, no bar.
    expect(rateBars([row({ staff_before: 0, capacity_rate: 0 })], 'capacity_rate', (r) => r.key).values).toEqual([null])
  })

  it('turns the history into a line per rate, oldest day first', () => {
    const h = (day: string, r: number): RateHistoryRow => ({ ...row({ resumption_rate: r }), day })
    const s = historySeries([h('2022-03-02', 0.2), h('2022-03-01', 0.1)])
    expect(s.days).toEqual(['2022-03-01', '2022-03-02'])
    expect(s.series.resumption_rate).toEqual([10, 20])
    expect(s.series.capacity_rate).toEqual([46, 46])
  })
})

describe('rule errors', () => {
  it('reads the line and column of the API’s message, with or without the field prefix', () => {
    expect(parseRuleError("line 1, column 14: expected a value after '[' (industry is text), found ']'")).toEqual({
      line: 1,
      column: 14,
      message: "expected a value after '[' (industry is text), found ']'",
    })
    expect(parseRuleError('rule: line 2, column 3: unknown fact \'revenu\'')).toEqual({ line: 2, column: 3, message: "unknown fact 'revenu'" })
    expect(parseRuleError('must be at least 0')).toBeNull()
  })

  it('points at the character of the column, counting a Chinese character or ≥ as one, on the right line', () => {
    expect(errorSpan('size in []', { line: 1, column: 10 })).toEqual({ before: 'size in [', at: ']', after: '' })
    expect(errorSpan('revenue_drop ≥ 30 and 行', { line: 1, column: 23 })).toEqual({ before: 'revenue_drop ≥ 30 and ', at: '行', after: '' })
    expect(errorSpan('key\nand size > 3', { line: 2, column: 10 })).toEqual({ before: 'and size ', at: '>', after: ' 3' })
    // "found the end of the rule": a blank after the text.
    expect(errorSpan('min(employees, 2', { line: 1, column: 17 })).toEqual({ before: 'min(employees, 2', at: ' ', after: '' })
  })
})

describe('the roster pasted as lines', () => {
  it('reads names, ID numbers and phones separated by commas (ASCII or Chinese), tabs or spaces, skipping blank lines', () => {
    const r = parseRoster('张三,220102199001011239,13912345678\n\n李四，220102198506120022\n王五\t11010519491231002x\t139 1234 5679')
    expect(r.errors).toEqual([])
    expect(r.entries).toEqual([
      { name: '张三', id_number: '220102199001011239', phone: '13912345678' },
      { name: '李四', id_number: '220102198506120022' },
      { name: '王五', id_number: '11010519491231002X', phone: '13912345679' },
    ])
    expect(r.lines).toEqual([1, 3, 4])
  })

  it('reports every bad line by number and keeps nothing of it', () => {
    const r = parseRoster(
      ['张三,220102199001011239,13912345678', '只有名字', '李四,22010219900101123', '王五,220102199001011238', '赵六,220102198506120022,2391234', '张三二,220102199001011239', ',220102198506120022'].join('\n'),
    )
    expect(r.entries.map((e) => e.name)).toEqual(['张三'])
    expect(r.errors).toEqual([
      { line: 2, key: 'fields' },
      { line: 3, key: 'idNumber' },
      { line: 4, key: 'idCheck' },
      { line: 5, key: 'phone' },
      { line: 6, key: 'duplicate', other: 1 },
      { line: 7, key: 'name' },
    ])
  })

  it('checks the GB 11643 check character and maps a server field error back to its pasted line', () => {
    expect(idNumberValid('220102199001011239')).toBe(true)
    expect(idNumberValid('220102199001011238')).toBe(false)
    const r = parseRoster('\nA,220102199001011239\n\nB,220102198506120022')
    expect(rosterErrorLine('roster[1].id_number', r)).toBe(4)
    expect(rosterErrorLine('responsible_phone', r)).toBeNull()
    expect(measureList(' 测温 \n\n消毒\n')).toEqual(['测温', '消毒'])
  })
})

describe('a returned filing’s reasons', () => {
  it('names the known ones by message key and keeps the server’s words for a held one or an unknown one', () => {
    expect(filingReason('plan.isolation_point: no temporary isolation point is set up')).toEqual({
      key: 'ent.reason.isolationPoint',
      field: 'plan.isolation_point',
      text: 'no temporary isolation point is set up',
    })
    expect(filingReason('roster: the employee roster is empty').key).toBe('ent.reason.roster')
    expect(filingReason('held: 金昌社区 is a high-risk area').key).toBeNull()
    expect(filingReason('held: 金昌社区 is a high-risk area').text).toBe('金昌社区 is a high-risk area')
    expect(filingReason('something new').text).toBe('something new')
  })
})

describe('policy explanations', () => {
  it('marks a condition ✓ when it is met as the rule wants, ✗ otherwise, and one under a not the other way round', () => {
    expect(explainTerm({ condition: 'revenue_drop >= 30', holds: true, actual: 'revenue_drop is 44.08' })).toMatchObject({
      mark: '✓',
      met: true,
      wanted: true,
      fact: 'revenue_drop',
      value: '44.08',
    })
    expect(explainTerm({ condition: 'industry = "C"', holds: false, actual: 'industry is "F"' })).toMatchObject({ mark: '✗', fact: 'industry', value: 'F' })
    expect(explainTerm({ condition: 'not key', holds: false, actual: 'key is false' })).toMatchObject({ mark: '✓', met: true, wanted: false })
    expect(explainTerm({ condition: 'not key', holds: true, actual: 'key is true' })).toMatchObject({ mark: '✗', met: false })
    expect(explainTerm({ condition: 'true', holds: true, actual: '' })).toMatchObject({ mark: '✓', fact: null, value: '' })
  })

  it('lists what an enterprise misses first when it does not qualify', () => {
    const v: PolicyVerdict = {
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
    expect(explainVerdict(v).map((x) => x.mark + x.condition)).toEqual(['✗employees >= 10', '✓resumption = "open"'])
    expect(explainVerdict({ ...v, qualifies: true }).map((x) => x.condition)).toEqual(['resumption = "open"', 'employees >= 10'])
  })
})

describe('dry run, items, health, vouchers', () => {
  it('is over budget when the cost exceeds it, and has no share without a budget', () => {
    expect(budgetUse({ amount: 289, budget: 5, over_budget: true })).toEqual({ over: true, share: 57.8 })
    expect(budgetUse({ amount: 6, budget: 5, over_budget: false }).over).toBe(true)
    expect(budgetUse({ amount: 4, budget: 5, over_budget: false })).toEqual({ over: false, share: 0.8 })
    expect(budgetUse({ amount: 4, budget: 0, over_budget: false })).toEqual({ over: false, share: null })
    expect(breakdownBars([{ key: 'A', name: '', enterprises: 3, amount: 1.005 }, { key: 'C', name: '', enterprises: 1, amount: 9 }], (b) => b.key)).toEqual({
      labels: ['C', 'A'],
      amounts: [9, 1],
      counts: [1, 3],
    })
  })

  it('reds an open item past its deadline, never a closed one', () => {
    const now = Date.parse('2022-03-10T12:00:00+08:00')
    expect(itemOverdue({ status: 'open', due_at: '2022-03-10T08:00:00+08:00', overdue: false }, now)).toBe(true)
    expect(itemOverdue({ status: 'open', due_at: '2022-03-13T08:00:00+08:00', overdue: false }, now)).toBe(false)
    expect(itemOverdue({ status: 'open', due_at: '2022-03-13T08:00:00+08:00', overdue: true }, now)).toBe(true)
    expect(itemOverdue({ status: 'done', due_at: '2022-03-01T08:00:00+08:00', overdue: true }, now)).toBe(false)
  })

  it('flags 37.3 °C or a symptom, and gives the leverage with one decimal', () => {
    expect(feverish(37.3, '')).toBe(true)
    expect(feverish(37.2, '')).toBe(false)
    expect(feverish(36.5, '咳嗽')).toBe(true)
    expect(feverish(null, ' ')).toBe(false)
    expect(leverageText(11104, 800)).toBe('13.9')
    expect(leverageText(26.5, 2.3)).toBe('11.5')
    expect(leverageText(100, 0)).toBe('—')
  })
})
