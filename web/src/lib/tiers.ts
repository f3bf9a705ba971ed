// Contact tiers on the client (the server's rules are src/tracing/tiers.h): which
// statuses each tier moves through, the one forward step a row's button offers, how a
// score and its terms are shown, and the bulk status change — which rows of a
// selection can move, to what, and what the server answered per id. The server still
// decides; these only shape what is offered and shown.
import type { BulkStatusFailure, BulkStatusReply, Contact, ContactStatus, Tier, TierRules, TierRulesChange } from '../api/types'
import { CONTACT_STATUSES, TIERS } from '../api/types'

/** The statuses per tier when the rules have not been loaded (same as the server's). */
export const DEFAULT_TIER_STATUSES: Readonly<Record<Tier, readonly ContactStatus[]>> = {
  close: ['pending', 'notified', 'quarantined', 'released'],
  secondary: ['pending', 'notified', 'quarantined', 'released'],
  exposed: ['pending', 'notified', 'monitoring', 'released'],
}

/** The actions the console names in both languages; any other action text is shown as it is. */
export const KNOWN_ACTIONS = ['centralised_quarantine', 'home_quarantine', 'health_monitoring'] as const
export const DEFAULT_TIER_ACTIONS: Readonly<Record<Tier, string>> = {
  close: 'centralised_quarantine',
  secondary: 'home_quarantine',
  exposed: 'health_monitoring',
}

/** Chip colours: close red, secondary orange, exposed amber (text colour for contrast). */
export const TIER_COLORS: Readonly<Record<Tier, { bg: string; fg: string }>> = {
  close: { bg: '#d93025', fg: '#ffffff' },
  secondary: { bg: '#e8710a', fg: '#ffffff' },
  exposed: { bg: '#ffc107', fg: '#3d2c00' },
}

type Statuses = Partial<Record<string, readonly string[]>> | null | undefined

export function isTier(x: unknown): x is Tier {
  return typeof x === 'string' && (TIERS as readonly string[]).includes(x)
}

/** A contact's tier (`tier`, else the older `ring`); unknown names count as close, as on the server. */
export function tierOf(c: { tier?: string | null; ring?: string | null }): Tier {
  const v = c.tier ?? c.ring
  return isTier(v) ? v : 'close'
}

/** The statuses of a tier in order, from the rules in force when given. */
export function tierStatuses(tier: Tier, statuses?: Statuses): readonly ContactStatus[] {
  const fromRules = statuses?.[tier]
  if (fromRules && fromRules.length) return fromRules as readonly ContactStatus[]
  return DEFAULT_TIER_STATUSES[tier] ?? DEFAULT_TIER_STATUSES.close
}

/** Position of a status in its tier, −1 when the tier has no such status. */
export function statusRank(tier: Tier, status: string, statuses?: Statuses): number {
  return (tierStatuses(tier, statuses) as readonly string[]).indexOf(status)
}

/** The status after `status` in its tier, or null at the end (or for a status the tier lacks). */
export function nextStatus(tier: Tier, status: string, statuses?: Statuses): ContactStatus | null {
  const list = tierStatuses(tier, statuses)
  const i = (list as readonly string[]).indexOf(status)
  if (i < 0 || i === list.length - 1) return null
  return list[i + 1]
}

/** True when a contact can be moved forward: on the list (not removed) and not at its tier's last status. */
export function canAdvance(c: Pick<Contact, 'status' | 'removed_at'> & { tier?: string; ring?: string }, statuses?: Statuses): boolean {
  return !c.removed_at && nextStatus(tierOf(c), c.status, statuses) !== null
}

/** The status filter's options: the tier's statuses, or every status some tier uses. */
export function filterStatuses(tier: Tier | '', statuses?: Statuses): readonly ContactStatus[] {
  if (tier) return tierStatuses(tier, statuses)
  const used = new Set<string>(TIERS.flatMap((t) => tierStatuses(t, statuses)))
  return CONTACT_STATUSES.filter((s) => used.has(s))
}

/** "pending → notified → …" as status names, for the forward-only hint. */
export function statusOrder(tier: Tier, name: (s: ContactStatus) => string, statuses?: Statuses): string {
  return tierStatuses(tier, statuses).map(name).join(' → ')
}

/** The action of a tier under the rules in force (or the default). */
export function tierAction(tier: Tier, rules?: Pick<TierRules, 'tiers'> | null): string {
  return rules?.tiers?.[tier]?.action || DEFAULT_TIER_ACTIONS[tier]
}

/** The message key naming an action, or null for an action text the console does not know. */
export function actionKey(action: string): string | null {
  return (KNOWN_ACTIONS as readonly string[]).includes(action) ? `tiers.action.${action}` : null
}

// ------------------------------------------------------------------ score and terms

/** 0.1234 → "0.123"; null (entries added by hand) → "—". */
export function formatScore(score: number | null | undefined): string {
  if (score === null || score === undefined || !Number.isFinite(score)) return '—'
  return score.toFixed(3)
}

/** The score bar's width in percent (the score is a probability, 0–1). */
export function scoreWidth(score: number | null | undefined): number {
  if (score === null || score === undefined || !Number.isFinite(score)) return 0
  return Math.round(Math.max(0, Math.min(1, score)) * 1000) / 10
}

/** The term that only repeats the score ("评分 0.123"), shown by the score column already. */
export function isScoreTerm(term: string): boolean {
  return /^评分\s/.test(term)
}

/**
 * The terms shown in the row: the first `n` that say more than the score, and how many
 * more there are (the rest, the score term included, show in the row's detail).
 */
export function inlineTerms(terms: readonly string[] | null | undefined, n = 2): { shown: string[]; more: number } {
  const all = terms ?? []
  const shown = all.filter((t) => !isScoreTerm(t)).slice(0, n)
  return { shown, more: all.length - shown.length }
}

// ----------------------------------------------------------------------- bulk change

export type BulkProblem = 'empty' | 'mixedTiers' | 'nothingToAdvance'

export interface BulkPlan {
  /** The one tier of the selection (null when empty or mixed). */
  tier: Tier | null
  /** The statuses the selection can be moved to, nearest first; the first is the default. */
  targets: ContactStatus[]
  problem: BulkProblem | null
}

/**
 * What a selection can do: one tier only (each tier has its own statuses and action);
 * the targets are the tier's statuses after the least advanced selected entry still on
 * the list.
 */
export function bulkPlan(selected: readonly Contact[], statuses?: Statuses): BulkPlan {
  if (!selected.length) return { tier: null, targets: [], problem: 'empty' }
  const tiers = new Set(selected.map(tierOf))
  if (tiers.size > 1) return { tier: null, targets: [], problem: 'mixedTiers' }
  const tier = [...tiers][0]
  const open = selected.filter((c) => !c.removed_at)
  const ranks = open.map((c) => statusRank(tier, c.status, statuses)).filter((r) => r >= 0)
  const list = tierStatuses(tier, statuses)
  const from = ranks.length ? Math.min(...ranks) : list.length
  const targets = list.slice(from + 1)
  return { tier, targets: [...targets], problem: targets.length ? null : 'nothingToAdvance' }
}

/** Which selected entries a move to `target` applies to (before it, on the list) and which it skips. */
export function bulkIds(selected: readonly Contact[], target: ContactStatus, statuses?: Statuses): { ids: number[]; skipped: number[] } {
  const ids: number[] = []
  const skipped: number[] = []
  for (const c of selected) {
    const tier = tierOf(c)
    const at = statusRank(tier, c.status, statuses)
    const to = statusRank(tier, target, statuses)
    if (!c.removed_at && at >= 0 && to > at) ids.push(c.id)
    else skipped.push(c.id)
  }
  return { ids, skipped }
}

export interface BulkFailure {
  id: number
  code: string
  /** The server's message, with its field messages when they add something. */
  message: string
}

export interface BulkSummary {
  updated: Contact[]
  failures: BulkFailure[]
}

function isFailure(item: Contact | BulkStatusFailure): item is BulkStatusFailure {
  return typeof (item as BulkStatusFailure).error === 'object' && (item as BulkStatusFailure).error !== null
}

/** The bulk reply split into the updated entries and the per-id failures (in the order asked). */
export function summariseBulk(reply: BulkStatusReply): BulkSummary {
  const updated: Contact[] = []
  const failures: BulkFailure[] = []
  for (const item of reply.items ?? []) {
    if (isFailure(item)) {
      const extra = (item.error.fields ?? []).map((f) => f.message).filter((m) => m && m !== item.error.message)
      failures.push({ id: item.id, code: item.error.code, message: [item.error.message, ...extra].join('; ') })
    } else {
      updated.push(item)
    }
  }
  return { updated, failures }
}

// ------------------------------------------------------------------ rules edit form

export interface TierRulesForm {
  closeThreshold: number | null | undefined
  secondaryThreshold: number | null | undefined
  closeAction: string
  secondaryAction: string
  exposedAction: string
  /** "1, 3, 7" (commas, 、 or spaces). */
  testDays: string
  reason: string
}

export const MAX_TEST_DAY = 28

export function tierRulesForm(r: TierRules): TierRulesForm {
  return {
    closeThreshold: r.tiers.close.threshold,
    secondaryThreshold: r.tiers.secondary.threshold,
    closeAction: r.tiers.close.action,
    secondaryAction: r.tiers.secondary.action,
    exposedAction: r.tiers.exposed.action,
    testDays: r.tiers.exposed.test_days.join(', '),
    reason: '',
  }
}

/** Test days from text: increasing whole days 0–28, 1–10 of them; null when not. */
export function parseTestDays(text: string): number[] | null {
  const parts = text.split(/[\s,，、]+/).filter(Boolean)
  if (!parts.length || parts.length > 10) return null
  const days: number[] = []
  for (const p of parts) {
    if (!/^\d{1,2}$/.test(p)) return null
    const d = Number(p)
    if (d > MAX_TEST_DAY || (days.length && d <= days[days.length - 1])) return null
    days.push(d)
  }
  return days
}

export type TierRulesFormErrors = Partial<Record<
  'tiers.close.threshold' | 'tiers.secondary.threshold' | 'tiers.close.action' | 'tiers.secondary.action' | 'tiers.exposed.action' | 'tiers.exposed.test_days' | 'reason',
  string
>>

/**
 * The PUT body for the form, or the wrong fields (as message keys, by the server's field
 * names so its 422 answers land on the same form items). The server checks again.
 */
export function tierRulesChange(form: TierRulesForm): { change: TierRulesChange | null; errors: TierRulesFormErrors } {
  const errors: TierRulesFormErrors = {}
  const threshold = (x: number | null | undefined) => typeof x === 'number' && Number.isFinite(x) && x > 0 && x < 1
  if (!threshold(form.closeThreshold)) errors['tiers.close.threshold'] = 'rules.badThreshold'
  if (!threshold(form.secondaryThreshold)) errors['tiers.secondary.threshold'] = 'rules.badThreshold'
  const action = (a: string) => a.trim().length > 0 && new TextEncoder().encode(a.trim()).length <= 64
  if (!action(form.closeAction)) errors['tiers.close.action'] = 'rules.badAction'
  if (!action(form.secondaryAction)) errors['tiers.secondary.action'] = 'rules.badAction'
  if (!action(form.exposedAction)) errors['tiers.exposed.action'] = 'rules.badAction'
  const days = parseTestDays(form.testDays)
  if (!days) errors['tiers.exposed.test_days'] = 'rules.badTestDays'
  if (!form.reason.trim()) errors.reason = 'rules.needReason'
  if (Object.keys(errors).length) return { change: null, errors }
  return {
    change: {
      reason: form.reason.trim(),
      tiers: {
        close: { threshold: form.closeThreshold!, action: form.closeAction.trim() },
        secondary: { threshold: form.secondaryThreshold!, action: form.secondaryAction.trim() },
        exposed: { action: form.exposedAction.trim(), test_days: days! },
      },
    },
    errors,
  }
}
