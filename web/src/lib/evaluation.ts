// The tracing evaluation (GET /tracing/evaluation) as the tracing page shows it: the
// recall curve — each case's list cut at K by score against the same cut of today's
// unranked ring — as chart series, the tiers table with today's ring beside it, and
// the list size per case needed for 80 / 90 / 95 % recall.
import type { EvaluatedTier, Evaluation, RecallCurve } from '../api/types'

/** Case counts offered for an evaluation (the first n detected cases are traced). */
export const EVALUATION_NS = [5, 10, 20, 50] as const
export const DEFAULT_EVALUATION_N = 10

export type Point = [k: number, recall: number]

export interface RecallSeries {
  /** Every K either curve has, ascending. */
  ks: number[]
  /** [K, recall] ascending in K; recall clamped to 0–1. */
  ranked: Point[]
  unranked: Point[]
}

function points(curve: RecallCurve | null | undefined): Point[] {
  const out: Point[] = []
  for (const p of curve?.at_k ?? []) {
    if (!Number.isFinite(p.k) || p.k <= 0 || !Number.isFinite(p.recall)) continue // a log axis has no 0
    out.push([p.k, Math.max(0, Math.min(1, p.recall))])
  }
  return out.sort((a, b) => a[0] - b[0])
}

/** The two lines of the recall curve: ranked by score, and today's ring as it comes. */
export function recallSeries(ev: Pick<Evaluation, 'ranked' | 'unranked'>): RecallSeries {
  const ranked = points(ev.ranked)
  const unranked = points(ev.unranked)
  const ks = [...new Set([...ranked, ...unranked].map((p) => p[0]))].sort((a, b) => a - b)
  return { ks, ranked, unranked }
}

export type TierRowKey = EvaluatedTier | 'ring'

export interface TierRow {
  key: TierRowKey
  listed: number
  caught: number
  recall: number
  perCase: number
}

const TIER_ORDER: readonly TierRowKey[] = ['close', 'secondary', 'exposed', 'close+exposed', 'all tiers', 'ring']

/** The tiers in a fixed order, then today's close ring (the rule's, unscored) for comparison. */
export function tierRows(ev: Pick<Evaluation, 'n' | 'tiers' | 'listed_close' | 'caught_close' | 'recall_close'>): TierRow[] {
  const rows: TierRow[] = (ev.tiers ?? []).map((t) => ({ key: t.tier, listed: t.listed, caught: t.caught, recall: t.recall, perCase: t.per_case }))
  rows.push({
    key: 'ring',
    listed: ev.listed_close,
    caught: ev.caught_close,
    recall: ev.recall_close,
    perCase: ev.n > 0 ? ev.listed_close / ev.n : 0,
  })
  const at = (k: TierRowKey) => {
    const i = TIER_ORDER.indexOf(k)
    return i < 0 ? TIER_ORDER.length : i
  }
  return rows.sort((a, b) => at(a.key) - at(b.key))
}

/** The message key of a tiers-table row. */
export function tierRowLabelKey(key: TierRowKey): string {
  if (key === 'ring') return 'evaluation.ring'
  if (key === 'close+exposed') return 'evaluation.closeExposed'
  if (key === 'all tiers') return 'evaluation.allTiers'
  return `tiers.name.${key}`
}

export interface NeededCell {
  recall: number
  /** List size per case, null when no K reaches the recall. */
  perCase: number | null
  listed: number | null
}

export interface NeededTable {
  /** The recalls asked (0.8, 0.9, 0.95), ascending. */
  recalls: number[]
  ranked: NeededCell[]
  unranked: NeededCell[]
}

/** "List size for 80 / 90 / 95 %": one cell per recall, for both lists, aligned by recall. */
export function neededTable(ev: Pick<Evaluation, 'ranked' | 'unranked'>): NeededTable {
  const recalls = [...new Set([...(ev.ranked?.needed ?? []), ...(ev.unranked?.needed ?? [])].map((n) => n.recall))].sort((a, b) => a - b)
  const cells = (curve: RecallCurve | null | undefined): NeededCell[] =>
    recalls.map((r) => {
      const n = curve?.needed?.find((x) => x.recall === r)
      return { recall: r, perCase: n?.per_case ?? null, listed: n?.listed ?? null }
    })
  return { recalls, ranked: cells(ev.ranked), unranked: cells(ev.unranked) }
}

/** 0.853 → "85.3%" (by locale); non-numbers → "—". */
export function formatRecall(r: number | null | undefined, locale: string): string {
  if (r === null || r === undefined || !Number.isFinite(r)) return '—'
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(r)
}
