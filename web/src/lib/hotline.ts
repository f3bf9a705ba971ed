// Rules the 12345 hotline pages (接诉即办) apply on the client: who sees which page and
// where an agent or a department handler lands, the intake form's keyboard shortcuts
// and the debounce of its live classification, each request's next deadline and how
// its countdown is coloured, which workflow actions a user may take in which state and
// the forms they need, the three rates as chart series, hotspots grouped by community.
// The server still decides (docs/hotline.md); these only shape what is shown.
import type {
  AddressMatch,
  DeadlineFlag,
  Hotspot,
  HotlineAction,
  HotlineActionBody,
  HotlinePriority,
  HotlineRequest,
  HotlineStatus,
  HotlineTaxonomy,
  RateCounts,
} from '../api/types'
import type { PageUser } from './testing'

export const HOTLINE_INTAKE = 'hotline.intake'
export const HOTLINE_READ = 'hotline.read'
export const HOTLINE_HANDLE = 'hotline.handle'
export const HOTLINE_DISPATCH = 'hotline.dispatch'

/**
 * The hotline pages, in tab order: 受理 intake (hotline.intake), 工单 inbox
 * (hotline.read), 督办 supervision board (hotline.dispatch), 三率 rates and 热点
 * hotspots (hotline.read); and 'mine' (我要反映 / 我的诉求), the only page of a resident
 * or an enterprise user, who file for themselves and see only what they filed.
 */
export type HotlinePage = 'intake' | 'inbox' | 'board' | 'rates' | 'hotspots' | 'mine'
export const HOTLINE_PAGES: readonly HotlinePage[] = ['intake', 'inbox', 'board', 'rates', 'hotspots', 'mine']

export const HOTLINE_PAGE_PERMISSION: Record<Exclude<HotlinePage, 'mine'>, string> = {
  intake: HOTLINE_INTAKE,
  inbox: HOTLINE_READ,
  board: HOTLINE_DISPATCH,
  rates: HOTLINE_READ,
  hotspots: HOTLINE_READ,
}

/** Residents and enterprises file their own requests: only 'mine' is theirs. */
export function filesOwnRequests(user: PageUser | null | undefined): boolean {
  return user?.role === 'resident' || user?.role === 'enterprise_user'
}

export function hotlinePageAllowed(page: HotlinePage, permissions: readonly string[] | undefined, user?: PageUser | null): boolean {
  const own = filesOwnRequests(user)
  if (page === 'mine') return own && !!permissions?.includes(HOTLINE_INTAKE)
  return !own && !!permissions?.includes(HOTLINE_PAGE_PERMISSION[page])
}

export function hotlinePages(permissions: readonly string[] | undefined, user?: PageUser | null): HotlinePage[] {
  return HOTLINE_PAGES.filter((p) => hotlinePageAllowed(p, permissions, user))
}

/** The first hotline page a user may open, null when none. */
export function hotlineHome(permissions: readonly string[] | undefined, user?: PageUser | null): HotlinePage | null {
  return hotlinePages(permissions, user)[0] ?? null
}

export interface LandingUser extends PageUser {
  area?: { level?: string }
}

/**
 * Where a login lands when it is a hotline job: an agent on 受理, a department handler
 * and a community's operator on 工单; null for everyone else (their usual landing).
 */
export function hotlineLanding(permissions: readonly string[] | undefined, user?: LandingUser | null): HotlinePage | null {
  const want: HotlinePage | null =
    user?.role === 'hotline_agent'
      ? 'intake'
      : user?.role === 'department_handler' || (user?.role === 'area_operator' && user.area?.level === 'community')
        ? 'inbox'
        : null
  return want && hotlinePageAllowed(want, permissions, user) ? want : null
}

// ----------------------------------------------------------------- intake form

/** Milliseconds of quiet typing before the text is classified and the address resolved. */
export const CLASSIFY_DEBOUNCE_MS = 300
/** Below this confidence the server queues the request for manual dispatch (rules' address_confidence). */
export const ADDRESS_CONFIDENCE_MIN = 0.6

export type IntakeShortcut = { pick: number } | { submit: true } | null

/**
 * The intake form's keys: Ctrl+Enter (⌘+Enter) files the request; Alt+1/2/3 picks a
 * suggested category (by the physical key, so Option+digit on a Mac works too).
 */
export function intakeShortcut(e: Pick<KeyboardEvent, 'key' | 'code' | 'altKey' | 'ctrlKey' | 'metaKey' | 'shiftKey'>): IntakeShortcut {
  if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key === 'Enter') return { submit: true }
  if (e.altKey && !e.ctrlKey && !e.metaKey) {
    const m = /^(?:Digit|Numpad)([1-3])$/.exec(e.code) ?? /^([1-3])$/.exec(e.key)
    if (m) return { pick: Number(m[1]) - 1 }
  }
  return null
}

/**
 * A function that runs `fn` once the calls to it have paused for `ms`, with the last
 * call's argument; `cancel` drops a pending run. Timers are injectable for tests.
 */
export function debounce<A>(
  fn: (arg: A) => void,
  ms: number,
  // Wrapped: a browser's setTimeout called as a method of another object throws (Illegal invocation).
  timers: { set: (f: () => void, ms: number) => ReturnType<typeof setTimeout>; clear: (h: ReturnType<typeof setTimeout>) => void } = {
    set: (f, ms) => setTimeout(f, ms),
    clear: (h) => clearTimeout(h),
  },
): { (arg: A): void; cancel(): void } {
  let handle: ReturnType<typeof setTimeout> | undefined
  const run = (arg: A) => {
    if (handle !== undefined) timers.clear(handle)
    handle = timers.set(() => {
      handle = undefined
      fn(arg)
    }, ms)
  }
  run.cancel = () => {
    if (handle !== undefined) timers.clear(handle)
    handle = undefined
  }
  return run
}

/** The place an address resolved to, as the server names it ("resolved to 南关区…"), or its code. */
export function placeName(notes: string | readonly string[] | null | undefined, code?: string | null): string {
  const list = typeof notes === 'string' ? notes.split('; ') : (notes ?? [])
  const hit = list.find((n) => n.startsWith('resolved to '))
  return hit ? hit.slice('resolved to '.length) : (code ?? '')
}

/** The resolver's other notes (a building not found, a one-character miss …), as the server words them. */
export function otherNotes(notes: readonly string[] | null | undefined): string[] {
  return (notes ?? []).filter((n) => !n.startsWith('resolved to '))
}

/** A confident match lands in a community's and a department's inbox; otherwise manual dispatch (将转人工派单). */
export function addressGoesManual(m: Pick<AddressMatch, 'confidence' | 'community_code'> | null | undefined): boolean {
  return !m || m.confidence < ADDRESS_CONFIDENCE_MIN || !m.community_code
}

export function priorityTagType(p: HotlinePriority): 'danger' | 'warning' | 'info' {
  return p === 'urgent' ? 'danger' : p === 'high' ? 'warning' : 'info'
}

/** A phone number as agents type it (spaces, dashes) cleaned for the server. */
export function cleanPhone(raw: string): string {
  return raw.replace(/[\s-]/g, '')
}

// ------------------------------------------------------------------- deadlines

export interface NextDeadline {
  kind: DeadlineFlag
  /** Unix ms of the deadline. */
  by: number
  /** Unix ms its clock started (dispatch, or resolution for the callback). */
  from: number
}

function ms(iso: string | null | undefined): number {
  if (!iso) return NaN
  return Date.parse(iso)
}

/**
 * The deadline a request is working towards: respond_by while dispatched, handle_by
 * while accepted, callback_by while resolved; null in any other state.
 */
export function nextDeadline(
  r: Pick<HotlineRequest, 'status' | 'respond_by' | 'handle_by' | 'callback_by' | 'dispatched_at' | 'received_at' | 'resolved_at'>,
): NextDeadline | null {
  const start = Number.isFinite(ms(r.dispatched_at)) ? ms(r.dispatched_at) : ms(r.received_at)
  let d: NextDeadline | null = null
  if (r.status === 'dispatched') d = { kind: 'respond', by: ms(r.respond_by), from: start }
  else if (r.status === 'accepted') d = { kind: 'handle', by: ms(r.handle_by), from: start }
  else if (r.status === 'resolved') d = { kind: 'callback', by: ms(r.callback_by), from: ms(r.resolved_at) }
  return d && Number.isFinite(d.by) ? d : null
}

/** Amber when less than this share of a deadline's time is left. */
export const WARN_SHARE = 0.25

export type Urgency = 'ok' | 'warn' | 'overdue'

/**
 * How a countdown is coloured: red (overdue) when the server flagged that deadline
 * missed or it has passed on the server's clock, amber under 25 % of its time left.
 */
export function urgency(d: NextDeadline, now: number, overdueFlags: readonly DeadlineFlag[] = []): Urgency {
  if (overdueFlags.includes(d.kind) || now >= d.by) return 'overdue'
  const span = d.by - d.from
  if (Number.isFinite(span) && span > 0 && (d.by - now) / span < WARN_SHARE) return 'warn'
  return 'ok'
}

export const URGENCY_COLOR: Record<Urgency, string> = { ok: '#1e8e3e', warn: '#d48806', overdue: '#d93025' }

/** |ms| as "2d 03:04:05" pieces: whole days and H:MM:SS (the caller words "overdue by"). */
export function countdownParts(msLeft: number): { days: number; clock: string } {
  const s = Math.floor(Math.abs(msLeft) / 1000)
  const days = Math.floor(s / 86400)
  const h = Math.floor((s % 86400) / 3600)
  const m = Math.floor((s % 3600) / 60)
  const sec = s % 60
  const pad = (n: number) => String(n).padStart(2, '0')
  return { days, clock: `${pad(h)}:${pad(m)}:${pad(sec)}` }
}

/** The overdue list of the supervision board: highest escalation first, then the longest overdue. */
export function byEscalation<T extends Pick<HotlineRequest, 'escalation' | 'id'> & Parameters<typeof nextDeadline>[0]>(items: readonly T[]): T[] {
  const due = (r: T) => nextDeadline(r)?.by ?? Infinity
  return [...items].sort((a, b) => b.escalation - a.escalation || due(a) - due(b) || a.id - b.id)
}

// --------------------------------------------------------------------- actions

interface ActionRule {
  from: readonly HotlineStatus[]
  permission: string
}

const OPEN: readonly HotlineStatus[] = ['pending_dispatch', 'dispatched', 'accepted', 'resolved']

/** docs/hotline.md § Workflow: the states each action may follow and who may take it. */
export const ACTION_RULES: Record<HotlineAction, ActionRule> = {
  accept: { from: ['dispatched'], permission: HOTLINE_HANDLE },
  return: { from: ['dispatched', 'accepted'], permission: HOTLINE_HANDLE },
  resolve: { from: ['dispatched', 'accepted'], permission: HOTLINE_HANDLE },
  dispatch: { from: ['pending_dispatch'], permission: HOTLINE_DISPATCH },
  reassign: { from: ['pending_dispatch', 'dispatched', 'accepted'], permission: HOTLINE_DISPATCH },
  merge: { from: OPEN, permission: HOTLINE_DISPATCH },
  callback: { from: ['resolved'], permission: HOTLINE_DISPATCH },
  callback_failed: { from: ['resolved'], permission: HOTLINE_DISPATCH },
  reopen: { from: ['closed'], permission: HOTLINE_DISPATCH },
}

export const ACTIONS = Object.keys(ACTION_RULES) as HotlineAction[]

/** The actions a user with `permissions` may take on a request in `status`, in workflow order. */
export function allowedActions(status: HotlineStatus, permissions: readonly string[] | undefined): HotlineAction[] {
  return ACTIONS.filter((a) => ACTION_RULES[a].from.includes(status) && !!permissions?.includes(ACTION_RULES[a].permission))
}

/** What an action asks for before it is sent. */
export function actionFields(a: HotlineAction): ('note' | 'department' | 'satisfaction' | 'into')[] {
  switch (a) {
    case 'return':
    case 'reopen':
    case 'resolve':
      return ['note']
    case 'dispatch':
      return ['department']
    case 'reassign':
      return ['department', 'note']
    case 'merge':
      return ['into']
    case 'callback':
      return ['satisfaction', 'note']
    default:
      return []
  }
}

export interface ActionForm {
  department: string
  note: string
  satisfaction: number | null
  solved: boolean
  into: number | null
}

export function emptyActionForm(department = ''): ActionForm {
  return { department, note: '', satisfaction: null, solved: true, into: null }
}

export type ActionErrors = Partial<Record<'department' | 'note' | 'satisfaction' | 'into', string>>

/** The body to POST for `action`, or the fields that are wrong (as message keys). */
export function actionRequest(
  action: HotlineAction,
  form: ActionForm,
  requestId: number,
): { body: HotlineActionBody | null; errors: ActionErrors } {
  const errors: ActionErrors = {}
  const body: HotlineActionBody = { action }
  const note = form.note.trim()
  switch (action) {
    case 'return':
    case 'reopen':
    case 'reassign':
      if (!note) errors.note = 'hotline.form.needReason'
      else body.note = note
      break
    case 'resolve':
      if (!note) errors.note = 'hotline.form.needResolution'
      else body.note = note
      break
    case 'callback':
      if (note) body.note = note
      break
  }
  if (action === 'dispatch' || action === 'reassign') {
    if (!form.department) errors.department = 'hotline.form.needDepartment'
    else body.department = form.department
  }
  if (action === 'callback') {
    const s = form.satisfaction
    if (s === null || !Number.isInteger(s) || s < 1 || s > 5) errors.satisfaction = 'hotline.form.needSatisfaction'
    else body.satisfaction = s
    body.solved = form.solved
  }
  if (action === 'merge') {
    const into = form.into
    if (into === null || !Number.isInteger(into) || into <= 0) errors.into = 'hotline.form.needInto'
    else if (into === requestId) errors.into = 'hotline.form.notItself'
    else body.into = into
  }
  return Object.keys(errors).length ? { body: null, errors } : { body, errors }
}

/** The department a pending request would go to: its category's, from the taxonomy (or the first suggestion's). */
export function defaultDepartment(r: Pick<HotlineRequest, 'category' | 'suggestions'>, taxonomy: HotlineTaxonomy | null): string {
  const cat = taxonomy?.categories.find((c) => c.code === r.category)
  return cat?.department || r.suggestions.find((s) => s.code === r.category)?.department || ''
}

// ----------------------------------------------------------------------- rates

export const RATE_KEYS = ['response_rate', 'resolution_rate', 'satisfaction_rate'] as const
export type RateKey = (typeof RATE_KEYS)[number]

/** A rate 0–1 as "93.4%" (one decimal), or "—" when nothing counted. */
export function rateText(x: number | null | undefined, locale = 'zh-CN'): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—'
  return new Intl.NumberFormat(locale, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(x)
}

/** The bar chart's categories and, per rate, percentages (null: no bar). */
export function rateSeries(
  rows: readonly (RateCounts & { key: string | null })[],
  nameOf: (key: string | null) => string,
): { labels: string[]; series: Record<RateKey, (number | null)[]> } {
  const pct = (x: number | null) => (x === null || x === undefined ? null : Math.round(x * 1000) / 10)
  return {
    labels: rows.map((r) => nameOf(r.key)),
    series: {
      response_rate: rows.map((r) => pct(r.response_rate)),
      resolution_rate: rows.map((r) => pct(r.resolution_rate)),
      satisfaction_rate: rows.map((r) => pct(r.satisfaction_rate)),
    },
  }
}

/** The first of the month of a YYYY-MM-DD date. */
export function monthStart(date: string): string {
  return `${date.slice(0, 7)}-01`
}

// -------------------------------------------------------------------- hotspots

export interface HotspotGroup {
  community_code: string
  community_name: string
  /** The street the community belongs to (read off its path). */
  street_code: string
  items: Hotspot[]
  count: number
  /** The strongest signal among its categories. */
  ratio: number
}

/** The street's code off a community's path (/city/district/street/community/). */
export function streetOf(path: string): string {
  const parts = path.split('/').filter(Boolean)
  return parts.length >= 2 ? parts[parts.length - 2] : ''
}

/** Hotspots by community, the strongest first; within one, the categories by ratio. */
export function groupHotspots(items: readonly Hotspot[]): HotspotGroup[] {
  const by = new Map<string, HotspotGroup>()
  for (const h of items) {
    let g = by.get(h.community_code)
    if (!g) {
      g = { community_code: h.community_code, community_name: h.community_name, street_code: streetOf(h.path), items: [], count: 0, ratio: 0 }
      by.set(h.community_code, g)
    }
    g.items.push(h)
    g.count += h.count
    g.ratio = Math.max(g.ratio, h.ratio)
  }
  const groups = [...by.values()]
  for (const g of groups) g.items.sort((a, b) => b.ratio - a.ratio || b.count - a.count)
  return groups.sort((a, b) => b.ratio - a.ratio || b.count - a.count || a.community_code.localeCompare(b.community_code))
}
