import { describe, expect, it } from 'vitest'
import type { BulkStatusReply, Contact, TierRules } from '../../src/api/types'
import {
  actionKey,
  bulkIds,
  bulkPlan,
  canAdvance,
  filterStatuses,
  formatScore,
  inlineTerms,
  nextStatus,
  parseTestDays,
  scoreWidth,
  statusOrder,
  summariseBulk,
  tierAction,
  tierOf,
  tierRulesChange,
  tierRulesForm,
  tierStatuses,
} from '../../src/lib/tiers'

function contact(id: number, tier: Contact['tier'], status: Contact['status'], removed_at: string | null = null): Contact {
  return {
    id,
    resident_id: 100 + id,
    name: `P${id}`,
    phone: '138****0000',
    household_code: 'h',
    tier,
    ring: tier,
    score: 0.1,
    terms: [],
    case_id: 1,
    via_resident_id: null,
    reason_kind: 'venue',
    venue_id: 5,
    exposure_at: null,
    reason: '',
    status,
    officer: '',
    run_id: 1,
    listed_by: 'admin',
    listed_at: '2022-03-05T00:00:00.000+08:00',
    updated_at: '2022-03-05T00:00:00.000+08:00',
    removed_at,
    removed_reason: '',
  }
}

const RULES: TierRules = {
  version: 3,
  tiers: {
    close: { threshold: 0.05, action: 'centralised_quarantine' },
    secondary: { threshold: 0.07, action: 'home_quarantine' },
    exposed: { action: '社区管控', test_days: [1, 3, 7] },
  },
  weights: { household: 0.15, crowding: 0.5, per_hour: {}, stay_minutes: {} },
  statuses: {
    close: ['pending', 'notified', 'quarantined', 'released'],
    secondary: ['pending', 'notified', 'quarantined', 'released'],
    exposed: ['pending', 'notified', 'monitoring', 'released'],
  },
}

describe('each tier moves through its own statuses, forward only', () => {
  it('close and secondary: pending → notified → quarantined → released', () => {
    for (const tier of ['close', 'secondary'] as const) {
      expect(nextStatus(tier, 'pending')).toBe('notified')
      expect(nextStatus(tier, 'notified')).toBe('quarantined')
      expect(nextStatus(tier, 'quarantined')).toBe('released')
      expect(nextStatus(tier, 'released')).toBeNull()
      expect(nextStatus(tier, 'monitoring')).toBeNull() // not a status of these tiers
    }
  })
  it('exposed: pending → notified → monitoring → released, never quarantined', () => {
    expect(nextStatus('exposed', 'notified')).toBe('monitoring')
    expect(nextStatus('exposed', 'monitoring')).toBe('released')
    expect(nextStatus('exposed', 'quarantined')).toBeNull()
    expect(tierStatuses('exposed')).not.toContain('quarantined')
  })
  it('takes the statuses from the rules in force when given', () => {
    const statuses = { ...RULES.statuses, exposed: ['pending', 'monitoring', 'released'] as Contact['status'][] }
    expect(nextStatus('exposed', 'pending', statuses)).toBe('monitoring')
    expect(nextStatus('exposed', 'pending', { exposed: [] })).toBe('notified') // empty: the defaults
  })
  it('offers no step for removed entries or at the last status', () => {
    expect(canAdvance(contact(1, 'exposed', 'monitoring'))).toBe(true)
    expect(canAdvance(contact(1, 'exposed', 'released'))).toBe(false)
    expect(canAdvance(contact(1, 'close', 'pending', '2022-03-06T00:00:00+08:00'))).toBe(false)
  })
  it('reads the tier from `tier`, else `ring`; unknown names count as close like on the server', () => {
    expect(tierOf({ tier: 'exposed', ring: 'close' })).toBe('exposed')
    expect(tierOf({ ring: 'secondary' })).toBe('secondary')
    expect(tierOf({ tier: 'odd' })).toBe('close')
  })
  it('offers the tier’s statuses as filters, or every status some tier uses', () => {
    expect(filterStatuses('exposed')).toEqual(['pending', 'notified', 'monitoring', 'released'])
    expect(filterStatuses('')).toEqual(['pending', 'notified', 'quarantined', 'monitoring', 'released'])
  })
  it('spells the order out for the forward-only hint', () => {
    expect(statusOrder('exposed', (s) => s.toUpperCase())).toBe('PENDING → NOTIFIED → MONITORING → RELEASED')
  })
})

describe('actions and scores', () => {
  it('names the known actions and shows unknown action text as it is', () => {
    expect(tierAction('close', RULES)).toBe('centralised_quarantine')
    expect(tierAction('exposed', RULES)).toBe('社区管控')
    expect(tierAction('exposed', null)).toBe('health_monitoring')
    expect(actionKey('home_quarantine')).toBe('tiers.action.home_quarantine')
    expect(actionKey('社区管控')).toBeNull()
  })
  it('formats the score as 0.000 and a bar width, none for hand-added entries', () => {
    expect(formatScore(0.15135)).toBe('0.151')
    expect(formatScore(0)).toBe('0.000')
    expect(formatScore(null)).toBe('—')
    expect(scoreWidth(0.4394)).toBe(43.9)
    expect(scoreWidth(1.7)).toBe(100)
    expect(scoreWidth(null)).toBe(0)
  })
  it('shows the first two terms that say more than the score, the rest on demand', () => {
    const terms = ['与病例#3 同住', '03-01 00:00 起与病例 等 2 例 同场 3 次、2 天，共 19 分钟', '人流密集', '评分 0.151']
    expect(inlineTerms(terms)).toEqual({ shown: terms.slice(0, 2), more: 2 })
    expect(inlineTerms(['与病例#2 同住', '评分 0.150'])).toEqual({ shown: ['与病例#2 同住'], more: 1 })
    expect(inlineTerms([])).toEqual({ shown: [], more: 0 })
    expect(inlineTerms(null)).toEqual({ shown: [], more: 0 })
  })
})

describe('bulk status change', () => {
  it('refuses an empty selection and one that spans tiers', () => {
    expect(bulkPlan([]).problem).toBe('empty')
    const mixed = bulkPlan([contact(1, 'close', 'pending'), contact(2, 'exposed', 'pending')])
    expect(mixed).toEqual({ tier: null, targets: [], problem: 'mixedTiers' })
  })
  it('offers the tier’s statuses after the least advanced entry, nearest first', () => {
    const plan = bulkPlan([contact(1, 'exposed', 'notified'), contact(2, 'exposed', 'pending')])
    expect(plan).toEqual({ tier: 'exposed', targets: ['notified', 'monitoring', 'released'], problem: null })
    expect(bulkPlan([contact(1, 'close', 'quarantined')]).targets).toEqual(['released'])
  })
  it('has nothing to offer when everyone is at the last status or removed', () => {
    expect(bulkPlan([contact(1, 'secondary', 'released')]).problem).toBe('nothingToAdvance')
    expect(bulkPlan([contact(1, 'secondary', 'pending', '2022-03-06T00:00:00+08:00')]).problem).toBe('nothingToAdvance')
  })
  it('sends only the entries before the target and skips the rest', () => {
    const sel = [contact(1, 'exposed', 'pending'), contact(2, 'exposed', 'monitoring'), contact(3, 'exposed', 'notified'), contact(4, 'exposed', 'pending', '2022-03-06T00:00:00+08:00')]
    expect(bulkIds(sel, 'monitoring')).toEqual({ ids: [1, 3], skipped: [2, 4] })
    expect(bulkIds(sel, 'released')).toEqual({ ids: [1, 2, 3], skipped: [4] })
  })
  it('splits the server’s answer into updated entries and per-id failures, in the order asked', () => {
    const reply: BulkStatusReply = {
      updated: 1,
      failed: 2,
      items: [
        { id: 7, error: { code: 'CONFLICT', message: "contact 7 is already 'monitoring'; status moves forward only", fields: [] } },
        { ...contact(8, 'exposed', 'monitoring') },
        {
          id: 9,
          error: { code: 'INVALID_ARGUMENT', message: 'contact 9 is invalid', fields: [{ field: 'status', message: 'contact 9 is in the close tier' }] },
        },
      ],
    }
    const s = summariseBulk(reply)
    expect(s.updated.map((c) => [c.id, c.status])).toEqual([[8, 'monitoring']])
    expect(s.failures).toEqual([
      { id: 7, code: 'CONFLICT', message: "contact 7 is already 'monitoring'; status moves forward only" },
      { id: 9, code: 'INVALID_ARGUMENT', message: 'contact 9 is invalid; contact 9 is in the close tier' },
    ])
  })
})

describe('tier rules form', () => {
  it('reads test days as increasing whole days 0–28', () => {
    expect(parseTestDays('1, 3, 7')).toEqual([1, 3, 7])
    expect(parseTestDays('1、3，14')).toEqual([1, 3, 14])
    expect(parseTestDays('3, 1')).toBeNull()
    expect(parseTestDays('1, 1')).toBeNull()
    expect(parseTestDays('29')).toBeNull()
    expect(parseTestDays('1.5')).toBeNull()
    expect(parseTestDays('')).toBeNull()
  })
  it('builds the PUT body from the rules in force plus a reason', () => {
    const form = { ...tierRulesForm(RULES), reason: ' 省指挥部通知 ' }
    expect(tierRulesChange(form)).toEqual({
      change: {
        reason: '省指挥部通知',
        tiers: {
          close: { threshold: 0.05, action: 'centralised_quarantine' },
          secondary: { threshold: 0.07, action: 'home_quarantine' },
          exposed: { action: '社区管控', test_days: [1, 3, 7] },
        },
      },
      errors: {},
    })
  })
  it('names the wrong fields as the server does', () => {
    const form = { ...tierRulesForm(RULES), closeThreshold: 1, secondaryThreshold: 0, testDays: '7, 3', exposedAction: ' ', reason: '' }
    const { change, errors } = tierRulesChange(form)
    expect(change).toBeNull()
    expect(errors).toEqual({
      'tiers.close.threshold': 'rules.badThreshold',
      'tiers.secondary.threshold': 'rules.badThreshold',
      'tiers.exposed.action': 'rules.badAction',
      'tiers.exposed.test_days': 'rules.badTestDays',
      reason: 'rules.needReason',
    })
  })
})
