// Rules the mass-testing pages (核酸检测) apply on the client: who sees which page,
// how coverage is coloured, the new-round form, the site scanner's state machine
// (a tube barcode, then people's ID numbers until the tube is full), the planner's
// slider and chart series. The server still decides; these only shape what is shown.
import { ApiError } from '../api/client'
import type { NewRound, PlanCurvePoint, RoundCoverage, RoundDue, ScanReply, TubeBrief } from '../api/types'
import { ROUND_DUES } from '../api/types'

export const AREA_READ = 'area.read'
export const TESTING_READ = 'testing.read'
export const TESTING_MANAGE = 'testing.manage'
export const TESTING_SAMPLE = 'testing.sample'
export const TESTING_RESULT = 'testing.result'

/**
 * The testing pages, in tab order: rounds, tubes, the planner (testing.read); the
 * scanner and the box hand-over (testing.sample); the lab's results (testing.result);
 * and a resident's own results ('me').
 */
export type TestingPage = 'rounds' | 'tube' | 'plan' | 'scan' | 'ship' | 'lab' | 'me'
export const TESTING_PAGES: readonly TestingPage[] = ['rounds', 'tube', 'plan', 'scan', 'ship', 'lab', 'me']

/** The permission a testing page needs (the API refuses its calls without it); 'me' needs a resident's account instead. */
export const TESTING_PAGE_PERMISSION: Record<Exclude<TestingPage, 'me'>, string> = {
  rounds: TESTING_READ,
  tube: TESTING_READ,
  plan: TESTING_READ,
  scan: TESTING_SAMPLE,
  ship: TESTING_SAMPLE,
  lab: TESTING_RESULT,
}

/** Who is asking, as far as the pages care (the session's user). */
export interface PageUser {
  role?: string
  resident_id?: number | null
}

/** Own results are for a resident's account, and for any account linked to a resident. */
export function hasOwnResults(user: PageUser | null | undefined): boolean {
  return user?.role === 'resident' || !!user?.resident_id
}

export function testingPageAllowed(page: TestingPage, permissions: readonly string[] | undefined, user?: PageUser | null): boolean {
  if (page === 'me') return hasOwnResults(user)
  return !!permissions?.includes(TESTING_PAGE_PERMISSION[page])
}

export function testingPages(permissions: readonly string[] | undefined, user?: PageUser | null): TestingPage[] {
  return TESTING_PAGES.filter((p) => testingPageAllowed(p, permissions, user))
}

/** Whether the area pages (tree, overview, …) are for this user: a sampler has only the scanner. */
export function mayReadAreas(permissions: readonly string[] | undefined): boolean {
  return !!permissions?.includes(AREA_READ)
}

/** The first testing page a user may open, null when none (no nav entry then). */
export function testingHome(permissions: readonly string[] | undefined, user?: PageUser | null): TestingPage | null {
  return testingPages(permissions, user)[0] ?? null
}

// ------------------------------------------------------------------ coverage

/** sampled / due, 0–1; null when nobody is due (nothing to colour). */
export function coverageRatio(c: Pick<RoundCoverage, 'due' | 'sampled'>): number | null {
  if (!c.due || c.due <= 0) return null
  return Math.max(0, Math.min(1, c.sampled / c.due))
}

export type CoverageBand = 'none' | 'low' | 'partial' | 'most' | 'nearly' | 'done'

/** Lower bounds of each band (ratio ≥ from), highest first; a round aims at 90–95 %. */
export const COVERAGE_BANDS: readonly { band: Exclude<CoverageBand, 'none'>; from: number; color: string }[] = [
  { band: 'done', from: 0.95, color: '#1e8e3e' },
  { band: 'nearly', from: 0.9, color: '#7cb342' },
  { band: 'most', from: 0.7, color: '#f2c037' },
  { band: 'partial', from: 0.4, color: '#f08c3a' },
  { band: 'low', from: 0, color: '#d93025' },
]
export const NO_COVERAGE_COLOR = '#d5dbe3'

export function coverageBand(ratio: number | null): CoverageBand {
  if (ratio === null || !Number.isFinite(ratio)) return 'none'
  for (const b of COVERAGE_BANDS) if (ratio >= b.from) return b.band
  return 'low'
}

export function coverageColor(ratio: number | null): string {
  const band = coverageBand(ratio)
  return COVERAGE_BANDS.find((b) => b.band === band)?.color ?? NO_COVERAGE_COLOR
}

/** A ratio as a percentage for progress bars, one decimal, floored so 99.96 % is not "100". */
export function ratioPercent(ratio: number | null): number {
  if (ratio === null) return 0
  return Math.floor(ratio * 1000) / 10
}

/** Sites' load: sampled / capacity a day (may pass 1 when a site is overrun). */
export function loadRatio(sampled: number, capacity: number): number | null {
  return capacity > 0 ? sampled / capacity : null
}

/** Progress-bar colour of a site's load: red over capacity, amber near it, blue below. */
export function loadColor(ratio: number | null): string {
  if (ratio !== null && ratio > 1) return '#d93025'
  if (ratio !== null && ratio >= 0.9) return '#e6a23c'
  return '#2d5a8e'
}

/** Where a click on a coverage child goes: a building opens its door list, anything else drills down. */
export function drillTarget(child: Pick<RoundCoverage, 'level'>): 'door' | 'coverage' {
  return child.level === 'building' || child.level === 'unit' ? 'door' : 'coverage'
}

/** Levels whose door list the API gives (a building, unit or compound). */
export function hasDoorList(level: string): boolean {
  return level === 'building' || level === 'unit' || level === 'compound'
}

/** "2201020010010101-0301" → "0301": the room is the household code's last part. */
export function roomOf(householdCode: string): string {
  const i = householdCode.lastIndexOf('-')
  return i >= 0 ? householdCode.slice(i + 1) : householdCode
}

// ------------------------------------------------------------ new-round form

export interface RoundForm {
  name: string
  areas: string[]
  startsOn: string
  endsOn: string
  poolSize: number | null | undefined
  due: RoundDue
}

export const POOL_MIN = 1
export const POOL_MAX = 20
export const DEFAULT_POOL = 10

export type RoundFormErrors = Partial<Record<'name' | 'areas' | 'starts_on' | 'ends_on' | 'pool_size' | 'due', string>>

const DATE = /^\d{4}-\d{2}-\d{2}$/

/** The request for a new round, or the fields that are wrong (as message keys). */
export function roundRequest(form: RoundForm): { request: NewRound | null; errors: RoundFormErrors } {
  const errors: RoundFormErrors = {}
  const name = form.name.trim()
  if (!name) errors.name = 'testing.form.needName'
  const areas = [...new Set(form.areas.map((a) => a.trim()).filter(Boolean))]
  if (!areas.length) errors.areas = 'testing.form.needAreas'
  if (!DATE.test(form.startsOn)) errors.starts_on = 'testing.form.needDate'
  if (!DATE.test(form.endsOn)) errors.ends_on = 'testing.form.needDate'
  else if (DATE.test(form.startsOn) && form.endsOn < form.startsOn) errors.ends_on = 'testing.form.endsBeforeStart'
  const k = form.poolSize
  if (k === null || k === undefined || !Number.isInteger(k) || k < POOL_MIN || k > POOL_MAX) errors.pool_size = 'testing.form.badPool'
  if (!ROUND_DUES.includes(form.due)) errors.due = 'testing.form.badDue'
  if (Object.keys(errors).length) return { request: null, errors }
  return { request: { name, areas, starts_on: form.startsOn, ends_on: form.endsOn, pool_size: k!, due: form.due }, errors }
}

// ------------------------------------------------------------------- scanner

/**
 * The site scanner. A keyboard-wedge scanner types a code and Enter. The first code is
 * a tube's barcode; then each code is a person's ID number, posted onto that tube. When
 * the server says the tube is full or closed the scanner asks for the next tube. A code
 * that is not an ID number while people are being scanned starts a new tube (the
 * sampler picked up the next one), unless it nearly is one (a misread). Nothing here talks to the server: `scanInput` says
 * what a code means, the `apply*` functions fold the server's answers in.
 */
export type ScanPhase = 'tube' | 'person'

export type ScanEntryKind = 'tube' | 'registered' | 'already' | 'error' | 'closed'

export interface ScanEntry {
  seq: number
  kind: ScanEntryKind
  /** The code as scanned (ID numbers as the sampler typed them; the screen is theirs). */
  code: string
  /** For registered/already: the tube's fill after the scan. */
  fill?: string
  /** For errors: the server's problem detail, or a message key when `local`. */
  message?: string
  field?: string
  local?: boolean
}

export interface ScanState {
  phase: ScanPhase
  /** The tube being filled (members known from the last answer). */
  tube: TubeBrief | null
  /** Newest first, at most SCAN_LOG_SIZE. */
  log: ScanEntry[]
  seq: number
}

export const SCAN_LOG_SIZE = 30

export function initialScanState(): ScanState {
  return { phase: 'tube', tube: null, log: [], seq: 0 }
}

const ID_NUMBER = /^\d{17}[\dX]$/
/** The server's rule for a tube barcode: 1–32 letters, digits, '-' or '_'. */
const BARCODE = /^[A-Za-z0-9_-]{1,32}$/
/** Nearly an ID number (a misread or mistyped one): never taken for a tube while people are scanned. */
const ID_LIKE = /^\d{14,18}[\dX]$/

/**
 * What a scanner types, cleaned: full-width characters folded, spaces dropped, and an
 * ID number's check character upper-cased (barcodes keep their case).
 */
export function normalizeCode(raw: string): string {
  const code = raw.normalize('NFKC').replace(/\s+/g, '')
  return /^\d{17}x$/.test(code) ? code.toUpperCase() : code
}

export function isIdNumber(code: string): boolean {
  return ID_NUMBER.test(code)
}

export function isBarcode(code: string): boolean {
  return BARCODE.test(code) && !ID_NUMBER.test(code)
}

/** An ID number, or something nearly one (14–19 digits), with its middle hidden; anything else as it is. */
export function maskIdLike(code: string): string {
  if (!/^\d{13,18}[\dX]$/.test(code)) return code
  return `${code.slice(0, 6)}${'*'.repeat(code.length - 10)}${code.slice(-4)}`
}

export type ScanAction =
  | { kind: 'none' }
  | { kind: 'tube'; barcode: string }
  | { kind: 'person'; idNumber: string; tube: string }
  | { kind: 'invalid'; code: string; messageKey: string }

/** What a code typed in `state` asks for. */
export function scanInput(state: ScanState, raw: string): ScanAction {
  const code = normalizeCode(raw)
  if (!code) return { kind: 'none' }
  if (state.phase === 'tube' || !state.tube) {
    if (isIdNumber(code)) return { kind: 'invalid', code, messageKey: 'scan.needTubeFirst' }
    if (!isBarcode(code)) return { kind: 'invalid', code, messageKey: 'scan.badBarcode' }
    return { kind: 'tube', barcode: code }
  }
  if (isIdNumber(code)) return { kind: 'person', idNumber: code, tube: state.tube.barcode }
  if (isBarcode(code) && !ID_LIKE.test(code)) return { kind: 'tube', barcode: code }
  return { kind: 'invalid', code, messageKey: 'scan.badIdNumber' }
}

function push(state: ScanState, entry: Omit<ScanEntry, 'seq'>): ScanState {
  const seq = state.seq + 1
  return { ...state, seq, log: [{ ...entry, seq }, ...state.log].slice(0, SCAN_LOG_SIZE) }
}

export function fillText(t: Pick<TubeBrief, 'members' | 'capacity'>): string {
  return `${t.members}/${t.capacity}`
}

export function tubeDone(t: Pick<TubeBrief, 'members' | 'capacity' | 'closed'>): boolean {
  return t.closed || (t.capacity > 0 && t.members >= t.capacity)
}

/** A tube barcode was scanned: people go onto it from now on (its fill is learnt on the first answer). */
export function startTube(state: ScanState, barcode: string, capacity: number): ScanState {
  const next = push(state, { kind: 'tube', code: barcode })
  return { ...next, phase: 'person', tube: { barcode, members: 0, capacity, closed: false } }
}

/** The server registered a person (or had them already): the fill; a full or closed tube asks for the next. */
export function applyScanReply(state: ScanState, idNumber: string, reply: ScanReply): ScanState {
  const next = push(state, { kind: reply.result, code: idNumber, fill: fillText(reply.tube) })
  if (tubeDone(reply.tube)) return { ...next, phase: 'tube', tube: { ...reply.tube } }
  return { ...next, phase: 'person', tube: { ...reply.tube } }
}

/**
 * The server refused a scan: the log shows its detail and field. A refusal naming the
 * tube (closed, full, of another round or site) ends that tube: the next code is a tube.
 */
export function applyScanError(state: ScanState, code: string, e: unknown): ScanState {
  const { message, field, local } = scanErrorText(e)
  const next = push(state, { kind: 'error', code, message, field, local })
  if (field === 'tube') return { ...next, phase: 'tube' }
  return next
}

/** A code the scanner did not accept locally (a message key). */
export function applyInvalid(state: ScanState, code: string, messageKey: string): ScanState {
  return push(state, { kind: 'error', code, message: messageKey, local: true })
}

/** The tube was closed by hand: the next code is a tube. */
export function applyClosed(state: ScanState, brief: TubeBrief): ScanState {
  const next = push(state, { kind: 'closed', code: brief.barcode, fill: fillText(brief) })
  return { ...next, phase: 'tube', tube: { ...brief, closed: true } }
}

/** The problem+json detail and the first field it names ("body" names none); a network failure is a message key. */
export function scanErrorText(e: unknown): { message: string; field?: string; local?: boolean } {
  if (e instanceof ApiError) {
    if (e.status === 0) return { message: 'error.network', local: true }
    const named = e.errors[0]?.field
    const field = named && named !== 'body' ? named : undefined
    const message = e.detail || e.errors[0]?.message || e.title || `HTTP ${e.status}`
    return { message, field }
  }
  return { message: 'error.unexpected', local: true }
}

/** What the big prompt above the input says. */
export function scanPrompt(state: ScanState): 'scan.promptTube' | 'scan.promptNextTube' | 'scan.promptPerson' {
  if (state.phase === 'person') return 'scan.promptPerson'
  return state.tube ? 'scan.promptNextTube' : 'scan.promptTube'
}

// ------------------------------------------------------------------- planner

/** The slider covers prevalences 0.001 % … 30 % on a log scale, SLIDER_STEPS steps. */
export const PREVALENCE_MIN = 1e-5
export const PREVALENCE_MAX = 0.3
export const SLIDER_STEPS = 1000

export function sliderToPrevalence(pos: number): number {
  const f = Math.max(0, Math.min(SLIDER_STEPS, pos)) / SLIDER_STEPS
  const lp = Math.log10(PREVALENCE_MIN) + f * (Math.log10(PREVALENCE_MAX) - Math.log10(PREVALENCE_MIN))
  return roundSignificant(10 ** lp, 3)
}

export function prevalenceToSlider(p: number): number {
  if (!Number.isFinite(p) || p <= PREVALENCE_MIN) return 0
  if (p >= PREVALENCE_MAX) return SLIDER_STEPS
  const f = (Math.log10(p) - Math.log10(PREVALENCE_MIN)) / (Math.log10(PREVALENCE_MAX) - Math.log10(PREVALENCE_MIN))
  return Math.round(f * SLIDER_STEPS)
}

export function roundSignificant(x: number, digits: number): number {
  if (x === 0 || !Number.isFinite(x)) return x
  return Number(x.toPrecision(digits))
}

/** A percentage typed by the user ("0.1", "0.1%", "１％") as a prevalence 0–1; null when it is not one. */
export function parsePercent(text: string): number | null {
  const s = text.normalize('NFKC').trim().replace(/%$/, '').trim()
  if (!/^\d*\.?\d+(?:e-?\d+)?$/i.test(s)) return null
  const v = Number(s) / 100
  return Number.isFinite(v) && v >= 0 && v <= 1 ? v : null
}

export type PlanPoint = [k: number, tests: number]

export interface PlanSeries {
  ks: number[]
  /** E(k) for k = 1..n (k = 1 is individual testing, 1 test per person). */
  pooled: PlanPoint[]
  /** Individual testing: one test per person at every k (the line to beat). */
  individual: PlanPoint[]
  /** The smallest E(k) (ties: the smaller k), or null without a curve. */
  best: PlanPoint | null
  /** Upper y bound: the next tenth above the larger of 1 and the curve's max. */
  yMax: number
}

/** The planner's chart: E(k) over k = 1..max, the best k marked, individual testing at 1. */
export function planSeries(curve: readonly PlanCurvePoint[]): PlanSeries {
  const pooled: PlanPoint[] = curve
    .filter((p) => Number.isInteger(p.k) && p.k >= 1 && Number.isFinite(p.tests_per_person))
    .map((p): PlanPoint => [p.k, p.tests_per_person])
    .sort((a, b) => a[0] - b[0])
  const ks = pooled.map((p) => p[0])
  let best: PlanPoint | null = null
  for (const p of pooled) if (!best || p[1] < best[1] - 1e-12) best = p
  const individual: PlanPoint[] = ks.length ? [[ks[0], 1], [ks[ks.length - 1], 1]] : []
  const top = Math.max(1, ...pooled.map((p) => p[1]))
  return { ks, pooled, individual, best, yMax: Math.ceil(top * 10 + 1e-9) / 10 }
}
