import { describe, expect, it } from 'vitest'
import type { Evaluation } from '../../src/api/types'
import { formatRecall, neededTable, recallSeries, tierRowLabelKey, tierRows } from '../../src/lib/evaluation'

const at = (pairs: [number, number][]) => pairs.map(([k, recall]) => ({ k, listed: k * 5, caught: Math.round(recall * 20), recall }))

// Shaped like the demo's answer to GET /tracing/evaluation?n=5.
const EV: Evaluation = {
  n: 5,
  infected_by_then: 20,
  infected_total: 25,
  listed_close: 23777,
  listed_secondary: 21553,
  caught_close: 15,
  caught_secondary: 5,
  recall_close: 0.75,
  recall_both: 1,
  true_source_venue_id: 534,
  true_source_rank: 1,
  tier_rules_version: 0,
  tiers: [
    { tier: 'close+exposed', listed: 22329, caught: 15, recall: 0.75, per_case: 4465.8 },
    { tier: 'close', listed: 9, caught: 2, recall: 0.1, per_case: 1.8 },
    { tier: 'secondary', listed: 2634, caught: 1, recall: 0.05, per_case: 526.8 },
    { tier: 'exposed', listed: 22320, caught: 13, recall: 0.65, per_case: 4464 },
    { tier: 'all tiers', listed: 24963, caught: 16, recall: 0.8, per_case: 4992.6 },
  ],
  ranked: {
    at_k: at([[500, 0.9], [5, 0.1], [10, 0.2], [20, 0.5], [50, 0.8], [100, 0.85]]),
    needed: [
      { recall: 0.8, per_case: 50, listed: 250 },
      { recall: 0.9, per_case: 500, listed: 2500 },
      { recall: 0.95, per_case: null, listed: null },
    ],
  },
  unranked: {
    at_k: at([[5, 0], [10, 0], [20, 0.05], [50, 0.05], [100, 0.05], [500, 0.1]]),
    needed: [
      { recall: 0.95, per_case: null, listed: null },
      { recall: 0.8, per_case: null, listed: null },
      { recall: 0.9, per_case: null, listed: null },
    ],
  },
  ranked_for_ring_recall: 21427,
  ranked_share_of_ring: 0.9011,
}

describe('recall curve series', () => {
  it('gives two lines of [K, recall] ascending in K, and every K', () => {
    const s = recallSeries(EV)
    expect(s.ks).toEqual([5, 10, 20, 50, 100, 500])
    expect(s.ranked).toEqual([[5, 0.1], [10, 0.2], [20, 0.5], [50, 0.8], [100, 0.85], [500, 0.9]])
    expect(s.unranked.map((p) => p[1])).toEqual([0, 0, 0.05, 0.05, 0.05, 0.1])
  })
  it('drops points a log axis cannot draw and clamps recall to 0–1', () => {
    const s = recallSeries({
      ranked: { at_k: at([[0, 0.5], [5, 1.2], [10, Number.NaN]]), needed: [] },
      unranked: { at_k: [], needed: [] },
    })
    expect(s.ranked).toEqual([[5, 1]])
    expect(s.unranked).toEqual([])
    expect(s.ks).toEqual([5])
  })
})

describe('tiers table', () => {
  it('lists close, secondary, exposed, close+exposed, all tiers, then today’s ring with its size per case', () => {
    const rows = tierRows(EV)
    expect(rows.map((r) => r.key)).toEqual(['close', 'secondary', 'exposed', 'close+exposed', 'all tiers', 'ring'])
    expect(rows[5]).toEqual({ key: 'ring', listed: 23777, caught: 15, recall: 0.75, perCase: 23777 / 5 })
    expect(rows[0].perCase).toBe(1.8)
  })
  it('labels rows with tier names or the evaluation’s own words', () => {
    expect(tierRowLabelKey('exposed')).toBe('tiers.name.exposed')
    expect(tierRowLabelKey('close+exposed')).toBe('evaluation.closeExposed')
    expect(tierRowLabelKey('all tiers')).toBe('evaluation.allTiers')
    expect(tierRowLabelKey('ring')).toBe('evaluation.ring')
  })
})

describe('list size needed for a recall', () => {
  it('aligns both lists by recall, ascending, with null where no K reaches it', () => {
    const t = neededTable(EV)
    expect(t.recalls).toEqual([0.8, 0.9, 0.95])
    expect(t.ranked.map((c) => c.perCase)).toEqual([50, 500, null])
    expect(t.unranked.map((c) => c.perCase)).toEqual([null, null, null])
  })
  it('formats recall as a percentage by locale', () => {
    expect(formatRecall(0.853, 'en')).toBe('85.3%')
    expect(formatRecall(null, 'en')).toBe('—')
  })
})
