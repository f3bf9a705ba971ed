// Rules the risk-area, health-code and checkpoint pages (风险区, 健康码, 卡口) apply on
// the client: who sees which page, colours of levels, codes and decisions, the risk
// table grouped by district and street with proposals awaiting a decision first, the
// declare and rules forms, when a code is refetched before it expires, the checkpoint
// scanner's last scans, and the hourly passage series. The server still decides;
// these only shape what is shown.
import { ApiError } from '../api/client'
import type {
  CheckpointScanReply,
  CheckpointStats,
  CodeColour,
  PassageDecision,
  PassageHour,
  RiskArea,
  RiskLevel,
  RiskRules,
} from '../api/types'
import { RISK_LEVELS } from '../api/types'
import { hasOwnResults, type PageUser } from './testing'

export const RISK_READ = 'risk.read'
export const RISK_DECLARE = 'risk.declare'
export const HEALTHCODE_READ = 'healthcode.read'
export const CHECKPOINT_OPERATE = 'checkpoint.operate'
export const CHECKPOINT_MANAGE = 'checkpoint.manage'

/**
 * The pages of the health-code section, in tab order: risk areas (risk.read), the
 * checkpoint scanner (checkpoint.operate), passage statistics (checkpoint.manage) and a
 * resident's own code ('mycode', for an account linked to a resident).
 */
export type HcPage = 'risk' | 'checkpoint' | 'stats' | 'mycode'
export const HC_PAGES: readonly HcPage[] = ['risk', 'checkpoint', 'stats', 'mycode']

export const HC_PAGE_PERMISSION: Record<Exclude<HcPage, 'mycode'>, string> = {
  risk: RISK_READ,
  checkpoint: CHECKPOINT_OPERATE,
  stats: CHECKPOINT_MANAGE,
}

export function hcPageAllowed(page: HcPage, permissions: readonly string[] | undefined, user?: PageUser | null): boolean {
  if (page === 'mycode') return hasOwnResults(user)
  return !!permissions?.includes(HC_PAGE_PERMISSION[page])
}

export function hcPages(permissions: readonly string[] | undefined, user?: PageUser | null): HcPage[] {
  return HC_PAGES.filter((p) => hcPageAllowed(p, permissions, user))
}

/** The first health-code page a user may open, null when none. */
export function hcHome(permissions: readonly string[] | undefined, user?: PageUser | null): HcPage | null {
  return hcPages(permissions, user)[0] ?? null
}

// ------------------------------------------------------------------- colours

/** A code's colour band; yellow carries dark text (white on yellow is unreadable). */
export const COLOUR_STYLE: Record<CodeColour, { background: string; color: string }> = {
  green: { background: '#1e8e3e', color: '#ffffff' },
  yellow: { background: '#f2c037', color: '#3b2a00' },
  red: { background: '#d93025', color: '#ffffff' },
}

export function colourStyle(c: CodeColour | null | undefined): { background: string; color: string } {
  return c && c in COLOUR_STYLE ? COLOUR_STYLE[c] : { background: '#8a929c', color: '#ffffff' }
}

/** A checkpoint's decision full-width: 通行 green, 核酸检测 amber, 禁止通行 red. */
export const DECISION_STYLE: Record<PassageDecision, { background: string; color: string }> = {
  pass: { background: '#1e8e3e', color: '#ffffff' },
  test: { background: '#f0a020', color: '#2b1a00' },
  deny: { background: '#d93025', color: '#ffffff' },
}

export const LEVEL_COLOR: Record<RiskLevel, string> = { high: '#d93025', medium: '#f08c3a', low: '#1e8e3e' }

export function levelTagType(l: RiskLevel): 'danger' | 'warning' | 'success' {
  return l === 'high' ? 'danger' : l === 'medium' ? 'warning' : 'success'
}

const LEVEL_RANK: Record<RiskLevel, number> = { high: 2, medium: 1, low: 0 }

// ---------------------------------------------------------------- risk table

/** A proposal still waiting for the command centre (not one a declaration already overrode). */
export function awaitingDecision(a: Pick<RiskArea, 'pending' | 'proposed' | 'overrides'>): boolean {
  return a.pending && a.overrides !== a.proposed
}

/** The declared level stands against the rules' proposal on purpose (改判). */
export function isOverridden(a: Pick<RiskArea, 'pending' | 'proposed' | 'overrides'>): boolean {
  return a.overrides !== '' && a.pending && a.overrides === a.proposed
}

/** Proposals awaiting a decision: the more severe proposal first, then the most cases, then by place. */
export function awaitingList(items: readonly RiskArea[]): RiskArea[] {
  return items
    .filter(awaitingDecision)
    .sort(
      (a, b) =>
        LEVEL_RANK[b.proposed] - LEVEL_RANK[a.proposed] ||
        b.cases_in_window - a.cases_in_window ||
        a.district.localeCompare(b.district, 'zh-CN') ||
        a.street.localeCompare(b.street, 'zh-CN') ||
        a.code.localeCompare(b.code),
    )
}

export interface RiskFilter {
  level: RiskLevel | ''
  text: string
}

/** A row of the grouped table: how many rows its district and street cells span (0: merged into the row above). */
export interface RiskRow {
  area: RiskArea
  districtSpan: number
  streetSpan: number
}

/**
 * The communities by district, then street (both in code order of their first
 * community), each street's communities by level (high first) then code; the district
 * and street cells span their rows.
 */
export function groupedRows(items: readonly RiskArea[], filter: RiskFilter = { level: '', text: '' }): RiskRow[] {
  const text = filter.text.trim()
  const kept = items.filter(
    (a) =>
      (!filter.level || a.level === filter.level) &&
      (!text || a.name.includes(text) || a.street.includes(text) || a.district.includes(text) || a.code.startsWith(text)),
  )
  const sorted = [...kept].sort(
    (a, b) =>
      a.street_code.slice(0, 6).localeCompare(b.street_code.slice(0, 6)) ||
      a.street_code.localeCompare(b.street_code) ||
      LEVEL_RANK[b.level] - LEVEL_RANK[a.level] ||
      a.code.localeCompare(b.code),
  )
  const rows: RiskRow[] = sorted.map((area) => ({ area, districtSpan: 0, streetSpan: 0 }))
  for (let i = 0; i < rows.length; ) {
    let j = i
    while (j < rows.length && rows[j].area.street_code.slice(0, 6) === rows[i].area.street_code.slice(0, 6)) j++
    rows[i].districtSpan = j - i
    for (let k = i; k < j; ) {
      let m = k
      while (m < j && rows[m].area.street_code === rows[k].area.street_code) m++
      rows[k].streetSpan = m - k
      k = m
    }
    i = j
  }
  return rows
}

/** The proposal every selected community shares (the dialog's default level), null when they differ. */
export function commonProposal(selected: readonly Pick<RiskArea, 'proposed'>[]): RiskLevel | null {
  if (!selected.length) return null
  const p = selected[0].proposed
  return selected.every((a) => a.proposed === p) ? p : null
}

/** The selected communities whose proposal a declaration of `level` goes against (recorded as overrides). */
export function overriddenBy<T extends Pick<RiskArea, 'proposed'>>(selected: readonly T[], level: RiskLevel | ''): T[] {
  if (!level) return []
  return selected.filter((a) => a.proposed !== level)
}

export interface DeclareForm {
  codes: string[]
  level: RiskLevel | ''
  reason: string
}

export type DeclareErrors = Partial<Record<'codes' | 'level' | 'reason', string>>

/** The declaration to send, or the fields that are wrong (as message keys). */
export function declareRequest(form: DeclareForm): {
  request: { codes: string[]; level: RiskLevel; reason: string } | null
  errors: DeclareErrors
} {
  const errors: DeclareErrors = {}
  const codes = [...new Set(form.codes.map((c) => c.trim()).filter(Boolean))]
  if (!codes.length) errors.codes = 'risk.form.needCodes'
  if (!form.level || !RISK_LEVELS.includes(form.level)) errors.level = 'risk.form.needLevel'
  const reason = form.reason.trim()
  if (!reason) errors.reason = 'risk.form.needReason'
  else if (new TextEncoder().encode(reason).length > 2000) errors.reason = 'risk.form.reasonTooLong'
  if (Object.keys(errors).length) return { request: null, errors }
  return { request: { codes, level: form.level as RiskLevel, reason }, errors }
}

export const CASE_DAYS_MIN = 1
export const CASE_DAYS_MAX = 60

export interface RulesForm {
  caseDays: number | null | undefined
  streetMedium: boolean
  reason: string
}

/** A new version of the risk rules, or the fields that are wrong (as message keys). */
export function rulesRequest(form: RulesForm): {
  request: { rules: RiskRules; reason: string } | null
  errors: Partial<Record<'case_days' | 'reason', string>>
} {
  const errors: Partial<Record<'case_days' | 'reason', string>> = {}
  const d = form.caseDays
  if (d === null || d === undefined || !Number.isInteger(d) || d < CASE_DAYS_MIN || d > CASE_DAYS_MAX) {
    errors.case_days = 'risk.rules.badDays'
  }
  const reason = form.reason.trim()
  if (!reason) errors.reason = 'risk.form.needReason'
  if (Object.keys(errors).length) return { request: null, errors }
  return { request: { rules: { case_days: d!, street_medium: form.streetMedium }, reason }, errors }
}

/** The public list by district, then street, in the order the server sends (path order). */
export function byDistrictStreet<T extends { district?: string; street?: string }>(
  items: readonly T[],
): { district: string; streets: { street: string; items: T[] }[] }[] {
  const out: { district: string; streets: { street: string; items: T[] }[] }[] = []
  for (const it of items) {
    const district = it.district ?? ''
    const street = it.street ?? ''
    let d = out.find((x) => x.district === district)
    if (!d) out.push((d = { district, streets: [] }))
    let s = d.streets.find((x) => x.street === street)
    if (!s) d.streets.push((s = { street, items: [] }))
    s.items.push(it)
  }
  return out
}

// ------------------------------------------------------------------ own code

/** Refetch this long before a code expires (at most half its life). */
export const REFRESH_LEAD_S = 30

/** Milliseconds until the page refetches a code that expires in `expiresInS` seconds: always before expiry. */
export function refreshDelayMs(expiresInS: number): number {
  if (!Number.isFinite(expiresInS) || expiresInS <= 0) return 1000
  const lead = Math.min(REFRESH_LEAD_S, expiresInS / 2)
  return Math.max(1000, Math.round((expiresInS - lead) * 1000))
}

/** Whole seconds left until `deadlineMs` (never negative). */
export function secondsLeft(deadlineMs: number, nowMs: number): number {
  return Math.max(0, Math.ceil((deadlineMs - nowMs) / 1000))
}

/** 299 → "4:59". */
export function countdownText(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds))
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`
}

/** A QR as an image URL (the server's SVG; the CSP allows data: images, and an <img> runs no script). */
export function svgDataUrl(svg: string): string {
  return /^\s*(<\?xml[^>]*>\s*)?<svg[\s>]/.test(svg) ? `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}` : ''
}

// ----------------------------------------------------------- checkpoint scans

export const CHECKPOINT_LOG_SIZE = 10
/** Longer than any code or permit the verifier accepts (it refuses over 512). */
export const PAYLOAD_MAX = 1024

export interface CheckpointEntry {
  seq: number
  /** Unix milliseconds of the passage (the server's `at`; the answer's arrival for a refused request). */
  at: number
  /** The end of the scanned text (enough to tell scans apart, nothing personal in it). */
  tail: string
  reply?: CheckpointScanReply
  /** A refusal of the request itself (not a decision): the server's detail or a message key. */
  error?: { message: string; local?: boolean; status?: number }
}

/** What a scanner types, cleaned: full-width characters folded, whitespace dropped. */
export function normalizePayload(raw: string): string {
  return raw.normalize('NFKC').replace(/\s+/g, '')
}

export function payloadTail(payload: string): string {
  return payload.length > 8 ? `…${payload.slice(-8)}` : payload
}

/** The log with `entry` on top, at most CHECKPOINT_LOG_SIZE. */
export function pushEntry(log: readonly CheckpointEntry[], entry: CheckpointEntry): CheckpointEntry[] {
  return [entry, ...log].slice(0, CHECKPOINT_LOG_SIZE)
}

/** A failed scan request: the problem detail, or a message key for a network failure. */
export function scanFailure(e: unknown): NonNullable<CheckpointEntry['error']> {
  if (e instanceof ApiError) {
    if (e.status === 0) return { message: 'error.network', local: true, status: 0 }
    return { message: e.detail || e.errors[0]?.message || e.title || `HTTP ${e.status}`, status: e.status }
  }
  return { message: 'error.unexpected', local: true }
}

// ---------------------------------------------------------------- statistics

export const HOURS = Array.from({ length: 24 }, (_, h) => h)

/** Every hour 0–23 once (hours the server left out count zero), in order. */
export function fullDay(stats: Pick<CheckpointStats, 'hours'> | null | undefined): PassageHour[] {
  const byHour = new Map((stats?.hours ?? []).map((h) => [h.hour, h]))
  return HOURS.map(
    (hour) => byHour.get(hour) ?? { hour, pass: 0, deny: 0, test: 0, green: 0, yellow: 0, red: 0, permits: 0 },
  )
}

/** The stacked bars of the hourly chart: pass, test, deny per hour. */
export function decisionSeries(stats: Pick<CheckpointStats, 'hours'> | null | undefined): Record<PassageDecision, number[]> {
  const day = fullDay(stats)
  return { pass: day.map((h) => h.pass), test: day.map((h) => h.test), deny: day.map((h) => h.deny) }
}
