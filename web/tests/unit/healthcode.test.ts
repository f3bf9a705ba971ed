// The rules of the risk-area, health-code and checkpoint pages (lib/healthcode.ts).
import { describe, expect, it } from 'vitest'
import { ApiError } from '../../src/api/client'
import type { CheckpointScanReply, RiskArea } from '../../src/api/types'
import {
  CHECKPOINT_LOG_SIZE,
  awaitingList,
  byDistrictStreet,
  commonProposal,
  countdownText,
  decisionSeries,
  declareRequest,
  fullDay,
  groupedRows,
  hcHome,
  hcPages,
  isOverridden,
  normalizePayload,
  overriddenBy,
  pushEntry,
  refreshDelayMs,
  rulesRequest,
  scanFailure,
  secondsLeft,
  svgDataUrl,
  type CheckpointEntry,
} from '../../src/lib/healthcode'

function area(code: string, over: Partial<RiskArea> = {}): RiskArea {
  return {
    code,
    name: `C${code}`,
    street_code: `${code.slice(0, 9)}000`,
    street: `S${code.slice(0, 9)}`,
    district: `D${code.slice(0, 6)}`,
    level: 'low',
    since: null,
    declared_by: '',
    reason: '',
    overrides: '',
    proposed: 'low',
    proposal_reason: '',
    proposed_at: null,
    pending: false,
    cases_in_window: 0,
    last_case_date: '',
    ...over,
  }
}

describe('health-code pages by permission', () => {
  it('gives each page to the permission its API needs, own code to a resident', () => {
    expect(hcPages(['risk.read', 'healthcode.read', 'checkpoint.manage'], { role: 'commander' })).toEqual(['risk', 'stats'])
    expect(hcPages(['checkpoint.operate'], { role: 'checkpoint_staff' })).toEqual(['checkpoint'])
    expect(hcPages([], { role: 'resident', resident_id: 7 })).toEqual(['mycode'])
    expect(hcHome([], { role: 'enterprise_user' })).toBeNull()
    expect(hcHome(['area.read', 'risk.read', 'checkpoint.operate'], { role: 'grid_worker' })).toBe('risk')
  })
})

describe('risk table', () => {
  it('lists proposals awaiting a decision, most severe first, without those a declaration overrode', () => {
    const items = [
      area('220102001001', { pending: true, proposed: 'medium', level: 'low' }),
      area('220102001002', { pending: true, proposed: 'high', level: 'low', cases_in_window: 1 }),
      area('220102001003', { pending: true, proposed: 'high', level: 'low', cases_in_window: 3 }),
      // Declared high against a low proposal: decided, not awaiting.
      area('220102001004', { pending: true, proposed: 'low', level: 'high', overrides: 'low' }),
      area('220102001005'),
    ]
    expect(awaitingList(items).map((a) => a.code)).toEqual(['220102001003', '220102001002', '220102001001'])
    expect(isOverridden(items[3])).toBe(true)
    expect(isOverridden(items[0])).toBe(false)
    // The proposal changed since the override: awaiting again, no longer shown as an override.
    const moved = area('220102001006', { pending: true, proposed: 'medium', level: 'high', overrides: 'low' })
    expect(awaitingList([moved]).length).toBe(1)
    expect(isOverridden(moved)).toBe(false)
  })

  it('groups by district then street, high first within a street, with cell spans', () => {
    const items = [
      area('220103001001'),
      area('220102002001', { level: 'medium' }),
      area('220102001002'),
      area('220102001001', { level: 'high' }),
      area('220102001003', { level: 'high' }),
    ]
    const rows = groupedRows(items)
    expect(rows.map((r) => r.area.code)).toEqual(['220102001001', '220102001003', '220102001002', '220102002001', '220103001001'])
    expect(rows.map((r) => r.districtSpan)).toEqual([4, 0, 0, 0, 1])
    expect(rows.map((r) => r.streetSpan)).toEqual([3, 0, 0, 1, 1])
    const high = groupedRows(items, { level: 'high', text: '' })
    expect(high.map((r) => [r.area.code, r.districtSpan, r.streetSpan])).toEqual([
      ['220102001001', 2, 2],
      ['220102001003', 0, 0],
    ])
    expect(groupedRows(items, { level: '', text: 'D220103' }).map((r) => r.area.code)).toEqual(['220103001001'])
  })

  it('defaults the declared level to a shared proposal and names the overrides', () => {
    const a = area('220102001001', { proposed: 'high' })
    const b = area('220102001002', { proposed: 'high' })
    const c = area('220102001003', { proposed: 'medium' })
    expect(commonProposal([a, b])).toBe('high')
    expect(commonProposal([a, c])).toBeNull()
    expect(commonProposal([])).toBeNull()
    expect(overriddenBy([a, b, c], 'high').map((x) => x.code)).toEqual(['220102001003'])
    expect(overriddenBy([a, c], 'low').length).toBe(2)
    expect(overriddenBy([a, c], '')).toEqual([])
  })

  it('builds a declaration only with communities, a level and a reason', () => {
    expect(declareRequest({ codes: [], level: '', reason: ' ' }).errors).toEqual({
      codes: 'risk.form.needCodes',
      level: 'risk.form.needLevel',
      reason: 'risk.form.needReason',
    })
    expect(declareRequest({ codes: ['a', 'a', ' b '], level: 'high', reason: ' 2 cases ' }).request).toEqual({
      codes: ['a', 'b'],
      level: 'high',
      reason: '2 cases',
    })
    expect(declareRequest({ codes: ['a'], level: 'high', reason: '病'.repeat(700) }).errors.reason).toBe('risk.form.reasonTooLong')
  })

  it('checks the rules form like the server (1–60 whole days, a reason)', () => {
    expect(rulesRequest({ caseDays: 0, streetMedium: true, reason: 'x' }).errors.case_days).toBe('risk.rules.badDays')
    expect(rulesRequest({ caseDays: 7.5, streetMedium: true, reason: 'x' }).errors.case_days).toBe('risk.rules.badDays')
    expect(rulesRequest({ caseDays: 61, streetMedium: true, reason: 'x' }).errors.case_days).toBe('risk.rules.badDays')
    expect(rulesRequest({ caseDays: 7, streetMedium: false, reason: '' }).errors.reason).toBe('risk.form.needReason')
    expect(rulesRequest({ caseDays: 7, streetMedium: false, reason: 'new guidance' }).request).toEqual({
      rules: { case_days: 7, street_medium: false },
      reason: 'new guidance',
    })
  })

  it('groups the public list by district and street in the order sent', () => {
    const g = byDistrictStreet([
      { code: '1', district: 'A', street: 'x' },
      { code: '2', district: 'A', street: 'y' },
      { code: '3', district: 'B', street: 'z' },
      { code: '4', district: 'A', street: 'x' },
    ])
    expect(g.map((d) => [d.district, d.streets.map((s) => [s.street, s.items.map((i) => i.code)])])).toEqual([
      ['A', [['x', ['1', '4']], ['y', ['2']]]],
      ['B', [['z', ['3']]]],
    ])
  })
})

describe('own code refresh', () => {
  it('refetches before the code expires, whatever its lifetime', () => {
    expect(refreshDelayMs(300)).toBe(270_000)
    expect(refreshDelayMs(40)).toBe(20_000)
    for (const s of [3, 10, 59, 61, 300, 3600]) {
      expect(refreshDelayMs(s), `${s} s`).toBeLessThan(s * 1000)
      expect(refreshDelayMs(s)).toBeGreaterThan(0)
    }
    expect(refreshDelayMs(0)).toBe(1000)
    expect(refreshDelayMs(Number.NaN)).toBe(1000)
  })

  it('counts down in whole seconds and shows m:ss', () => {
    expect(secondsLeft(10_000, 0)).toBe(10)
    expect(secondsLeft(10_000, 9_001)).toBe(1)
    expect(secondsLeft(10_000, 12_000)).toBe(0)
    expect(countdownText(299)).toBe('4:59')
    expect(countdownText(5)).toBe('0:05')
    expect(countdownText(-3)).toBe('0:00')
  })

  it('shows only an SVG as the QR image', () => {
    expect(svgDataUrl('<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>')).toMatch(/^data:image\/svg\+xml;charset=utf-8,%3Csvg/)
    expect(svgDataUrl('<script>alert(1)</script>')).toBe('')
    expect(svgDataUrl('')).toBe('')
  })
})

describe('checkpoint scans', () => {
  const reply: CheckpointScanReply = { passage_id: 1, decision: 'pass', colour: 'green', kind: 'health_code', reason: '绿码', verified: true }

  it('keeps the last 10 scans, newest first', () => {
    let log: CheckpointEntry[] = []
    for (let i = 1; i <= 12; i++) log = pushEntry(log, { seq: i, at: i, tail: String(i), reply })
    expect(log.length).toBe(CHECKPOINT_LOG_SIZE)
    expect(log.map((e) => e.seq)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3])
  })

  it('cleans what a scanner types and explains a failed request', () => {
    expect(normalizePayload(' TC1.ABC\n')).toBe('TC1.ABC')
    expect(normalizePayload('ＴＣ１．ＡＢ')).toBe('TC1.AB')
    expect(scanFailure(new ApiError(404, { detail: 'checkpoint GATE-9 not found' }))).toEqual({ message: 'checkpoint GATE-9 not found', status: 404 })
    expect(scanFailure(new ApiError(0, {}))).toEqual({ message: 'error.network', local: true, status: 0 })
    expect(scanFailure(new Error('x'))).toEqual({ message: 'error.unexpected', local: true })
  })
})

describe('passage statistics', () => {
  it('fills every hour of the day and stacks the decisions', () => {
    const stats = {
      hours: [
        { hour: 8, pass: 5, deny: 1, test: 2, green: 5, yellow: 2, red: 1, permits: 0 },
        { hour: 23, pass: 1, deny: 0, test: 0, green: 1, yellow: 0, red: 0, permits: 1 },
      ],
    }
    const day = fullDay(stats)
    expect(day.length).toBe(24)
    expect(day.map((h) => h.hour)).toEqual(Array.from({ length: 24 }, (_, i) => i))
    const s = decisionSeries(stats)
    expect(s.pass[8]).toBe(5)
    expect(s.test[8]).toBe(2)
    expect(s.deny[8]).toBe(1)
    expect(s.pass[23]).toBe(1)
    expect(s.pass.reduce((a, b) => a + b, 0)).toBe(6)
    expect(fullDay(null).every((h) => h.pass === 0)).toBe(true)
  })
})
