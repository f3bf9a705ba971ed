// Rules the tracing pages (病例, 流调) apply on the client: who is offered which action,
// status colours (each tier's statuses are in tiers.ts), the layout of a transmission chain,
// and turning the run form into a request. The server still decides; these only shape
// what is shown.
import type { Case, Chain, ContactStatus, TraceRequest } from '../api/types'

export const CASE_READ = 'case.read'
export const CASE_WRITE = 'case.write'
export const TRACE_RUN = 'trace.run'
export const CONTACT_WRITE = 'contact.write'

export function hasPermission(permissions: readonly string[] | undefined, p: string): boolean {
  return !!permissions?.includes(p)
}

// ------------------------------------------------------------------ contact status
// (each tier's statuses and the forward step live in lib/tiers.ts)

export type TagType = 'primary' | 'success' | 'warning' | 'danger' | 'info'

export function statusTagType(s: ContactStatus | string): TagType {
  switch (s) {
    case 'pending':
      return 'danger'
    case 'notified':
      return 'warning'
    case 'quarantined':
    case 'monitoring':
      return 'primary'
    case 'released':
      return 'success'
    default:
      return 'info'
  }
}

// ---------------------------------------------------------------- chain graph

export interface ChainNode {
  /** ECharts node id (the case id as a string). */
  id: string
  caseId: number
  name: string
  kind: Case['kind']
  /** Generation: 0 for a case with no known infector in the chain. */
  depth: number
  x: number
  y: number
  current: boolean
  /** Cases this one infected, within the chain. */
  infected: number
}

export interface ChainGraph {
  nodes: ChainNode[]
  links: { source: string; target: string }[]
  generations: number
}

export const CHAIN_X_GAP = 160
export const CHAIN_Y_GAP = 64

/**
 * Lays a chain out as a tree from left (first infector) to right: generation on the x
 * axis, leaves one slot apart on the y axis and each infector centred on the cases it
 * infected. Links to cases not in `nodes` are dropped; a cycle (which the server
 * refuses, but old data might hold) is broken at the first case reached twice.
 */
export function buildChainGraph(chain: Pick<Chain, 'nodes' | 'links'>, currentId: number): ChainGraph {
  const byId = new Map<number, Case>()
  for (const n of chain.nodes) byId.set(n.id, n)
  const links = chain.links.filter((l) => byId.has(l.source) && byId.has(l.target) && l.source !== l.target)
  const children = new Map<number, number[]>()
  const hasParent = new Set<number>()
  for (const l of links) {
    if (hasParent.has(l.target)) continue // one infector per case
    hasParent.add(l.target)
    const list = children.get(l.source) ?? []
    list.push(l.target)
    children.set(l.source, list)
  }
  for (const list of children.values()) list.sort((a, b) => a - b)
  const ids = [...byId.keys()].sort((a, b) => a - b)
  const roots = ids.filter((id) => !hasParent.has(id))

  const depth = new Map<number, number>()
  const y = new Map<number, number>()
  let slot = 0
  const place = (id: number, d: number): number => {
    depth.set(id, d)
    const kids = (children.get(id) ?? []).filter((k) => !depth.has(k))
    if (!kids.length) {
      y.set(id, slot++)
      return y.get(id)!
    }
    const ys = kids.map((k) => place(k, d + 1))
    const mid = (ys[0] + ys[ys.length - 1]) / 2
    y.set(id, mid)
    return mid
  }
  for (const r of roots) place(r, 0)
  // Cases only reachable through a cycle: start from the smallest id left.
  for (const id of ids) if (!depth.has(id)) place(id, 0)

  const usedLinks = links.filter((l) => depth.get(l.target)! === depth.get(l.source)! + 1)
  const infected = new Map<number, number>()
  for (const l of usedLinks) infected.set(l.source, (infected.get(l.source) ?? 0) + 1)
  const nodes: ChainNode[] = ids.map((id) => {
    const c = byId.get(id)!
    return {
      id: String(id),
      caseId: id,
      name: c.name ?? '',
      kind: c.kind,
      depth: depth.get(id)!,
      x: depth.get(id)! * CHAIN_X_GAP,
      y: y.get(id)! * CHAIN_Y_GAP,
      current: id === currentId,
      infected: infected.get(id) ?? 0,
    }
  })
  const generations = nodes.reduce((m, n) => Math.max(m, n.depth + 1), 0)
  return { nodes, links: usedLinks.map((l) => ({ source: String(l.source), target: String(l.target) })), generations }
}

// ------------------------------------------------------------------- run form

export interface TraceForm {
  caseIds: number[]
  marginMinutes: number | null | undefined
  secondary: boolean
  households: boolean
  daysBeforeOnset: number | null | undefined
}

export const DEFAULT_TRACE_FORM: Readonly<TraceForm> = {
  caseIds: [],
  marginMinutes: 30,
  secondary: true,
  households: true,
  daysBeforeOnset: 4,
}

// The server's bound (tracing::kMaxMarginMinutes in src/tracing/rules.h; the API's
// schema for POST /tracing/runs states it as the maximum of margin_minutes).
export const MARGIN_MAX = 240
export const DAYS_BEFORE_ONSET_MAX = 21

export type TraceFormErrors = Partial<Record<'case_ids' | 'margin_minutes' | 'days_before_onset', string>>

/**
 * The run request for a form, or the fields that are wrong (as message keys). Empty
 * numbers fall back to the server's defaults by being left out.
 */
export function traceRequest(form: TraceForm): { request: TraceRequest | null; errors: TraceFormErrors } {
  const errors: TraceFormErrors = {}
  const ids = [...new Set(form.caseIds)].filter((id) => Number.isInteger(id) && id > 0)
  if (!ids.length) errors.case_ids = 'tracing.form.needCases'
  const margin = form.marginMinutes
  if (margin !== null && margin !== undefined && (!Number.isInteger(margin) || margin < 0 || margin > MARGIN_MAX)) {
    errors.margin_minutes = 'tracing.form.badMargin'
  }
  const days = form.daysBeforeOnset
  if (days !== null && days !== undefined && (!Number.isInteger(days) || days < 0 || days > DAYS_BEFORE_ONSET_MAX)) {
    errors.days_before_onset = 'tracing.form.badDays'
  }
  if (Object.keys(errors).length) return { request: null, errors }
  const request: TraceRequest = { case_ids: ids, secondary: form.secondary, households: form.households }
  if (margin !== null && margin !== undefined) request.margin_minutes = margin
  if (days !== null && days !== undefined) request.days_before_onset = days
  return { request, errors }
}

/** Case ids from a route query (`?cases=3,7` or repeated), ignoring anything that is not an id. */
export function caseIdsFromQuery(v: unknown): number[] {
  const parts = (Array.isArray(v) ? v : [v]).flatMap((x) => (typeof x === 'string' ? x.split(',') : []))
  const ids = parts.map((p) => Number(p.trim())).filter((n) => Number.isInteger(n) && n > 0)
  return [...new Set(ids)]
}

// ---------------------------------------------------------------- time inputs

/**
 * A native datetime-local value ("2022-03-01T08:00") as the API's civil time
 * ("2022-03-01 08:00", China time); empty or malformed → null.
 */
export function apiTime(local: string | null | undefined): string | null {
  if (!local) return null
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::\d{2})?$/.exec(local.trim())
  return m ? `${m[1]} ${m[2]}` : null
}

/** Today's date in China time as YYYY-MM-DD (the default report date). */
export function todayInChina(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now)
}

/** "HH:MM" of an ISO timestamp in China time (visit times inside one day). */
export function clockTime(iso: string | null | undefined): string {
  if (!iso) return ''
  const m = /T(\d{2}:\d{2})/.exec(iso)
  return m ? m[1] : iso
}

/** Days between report and onset (the detection delay), null when onset is unknown. */
export function detectionDelayDays(c: Pick<Case, 'onset_date' | 'report_date'>): number | null {
  if (!c.onset_date) return null
  const a = Date.parse(`${c.onset_date}T00:00:00Z`)
  const b = Date.parse(`${c.report_date}T00:00:00Z`)
  if (!Number.isFinite(a) || !Number.isFinite(b)) return null
  return Math.round((b - a) / 86_400_000)
}

/** "123" or "#123" (up to 10 digits) is a resident number; anything else is a registry search. */
export function residentIdFromInput(input: string): number | null {
  const m = /^#?(\d{1,10})$/.exec(input.normalize('NFKC').trim())
  if (!m) return null
  const id = Number(m[1])
  return id > 0 ? id : null
}
