// Rules the enterprise pages (复工复产、惠企政策; docs/enterprises.md) apply on the client:
// who sees which page and where an enterprise user or a liaison officer lands, rates as
// percentages and chart series, the place of a rule's parse error, the roster pasted as
// lines, a returned filing's reasons, a policy verdict's conditions, a dry run against
// its budget, overdue items, fever in a health declaration. The server still decides;
// these only shape what is shown and what is sent.
import type {
  Breakdown,
  DryRun,
  EntItem,
  PolicyVerdict,
  RateHistoryRow,
  RateRow,
  RosterEntry,
  VerdictTerm,
} from '../api/types'
import type { PageUser } from './testing'

export const ENT_READ = 'enterprise.read'
export const ENT_WRITE = 'enterprise.write'
export const ENT_ACT = 'enterprise.act'
export const ENT_LIAISON = 'enterprise.liaison'
export const POLICY_MANAGE = 'policy.manage'

/**
 * The enterprise pages. Staff: 复工复产 dashboard, 企业名录 list, 消费券 vouchers
 * (enterprise.read), 政策编辑 policies and 兑付 disbursement (policy.manage), 驻企专员
 * liaison (enterprise.liaison). An enterprise user (enterprise.act), on a phone: 我的企业
 * me, 复工备案 filing, 健康申报 health, 物资需求 needs, 我的诉求 appeals, 惠企政策 benefits.
 */
export type EntPage =
  | 'dashboard'
  | 'list'
  | 'policies'
  | 'disbursement'
  | 'vouchers'
  | 'liaison'
  | 'me'
  | 'filing'
  | 'health'
  | 'needs'
  | 'appeals'
  | 'benefits'
export const ENT_STAFF_PAGES: readonly EntPage[] = ['dashboard', 'list', 'policies', 'disbursement', 'vouchers', 'liaison']
export const ENT_OWN_PAGES: readonly EntPage[] = ['me', 'filing', 'health', 'needs', 'appeals', 'benefits']
export const ENT_PAGES: readonly EntPage[] = [...ENT_STAFF_PAGES, ...ENT_OWN_PAGES]

const STAFF_PERMISSION: Record<string, string> = {
  dashboard: ENT_READ,
  list: ENT_READ,
  vouchers: ENT_READ,
  policies: POLICY_MANAGE,
  disbursement: POLICY_MANAGE,
  liaison: ENT_LIAISON,
}

/** An enterprise user acts for their own enterprise only: the self-service pages are theirs, the staff pages not. */
export function actsForEnterprise(user: PageUser | null | undefined): boolean {
  return user?.role === 'enterprise_user'
}

export function entPageAllowed(page: EntPage, permissions: readonly string[] | undefined, user?: PageUser | null): boolean {
  const own = actsForEnterprise(user)
  if ((ENT_OWN_PAGES as readonly string[]).includes(page)) return own && !!permissions?.includes(ENT_ACT)
  return !own && !!permissions?.includes(STAFF_PERMISSION[page])
}

export function entPages(permissions: readonly string[] | undefined, user?: PageUser | null): EntPage[] {
  return ENT_PAGES.filter((p) => entPageAllowed(p, permissions, user))
}

/** The first enterprise page a user may open, null when none. */
export function entHome(permissions: readonly string[] | undefined, user?: PageUser | null): EntPage | null {
  return entPages(permissions, user)[0] ?? null
}

/** Whether the landing depends on the officer serving an enterprise (ask GET /liaisons?mine=true). */
export function mayServeEnterprises(permissions: readonly string[] | undefined, user?: PageUser | null): boolean {
  return user?.role === 'department_handler' && !!permissions?.includes(ENT_LIAISON)
}

/**
 * Where a login lands when it is an enterprise job: an enterprise user on 我的企业; a
 * department handler who serves an enterprise (`serves`) on the liaison page; null for
 * everyone else (their usual landing).
 */
export function entLanding(permissions: readonly string[] | undefined, user: PageUser | null | undefined, serves: boolean): EntPage | null {
  if (actsForEnterprise(user)) return entPageAllowed('me', permissions, user) ? 'me' : null
  if (serves && mayServeEnterprises(permissions, user)) return 'liaison'
  return null
}

// ---------------------------------------------------------------------- rates

/** A rate 0–1 as a percentage with one decimal (0.72263 → 72.3), null stays null. */
export function ratePercent(x: number | null | undefined): number | null {
  if (x === null || x === undefined || !Number.isFinite(x)) return null
  return Math.round(x * 1000) / 10
}

/** A rate 0–1 as text, "72.3%"; "—" when unknown or when nothing was counted (`of` = 0). */
export function rateLabel(x: number | null | undefined, locale = 'zh-CN', of?: number): string {
  if (x === null || x === undefined || !Number.isFinite(x) || of === 0) return '—'
  return new Intl.NumberFormat(locale, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(x)
}

export const RATE_FIELDS = ['resumption_rate', 'filing_rate', 'capacity_rate', 'above_scale_rate'] as const
export type RateField = (typeof RATE_FIELDS)[number]

/** The count a rate is taken over: no enterprises (or no staff) → no rate. */
export function rateBase(r: RateRow, field: RateField): number {
  if (field === 'capacity_rate') return r.staff_before
  if (field === 'above_scale_rate') return r.above_scale
  return r.enterprises
}

/** Bars: rows ordered by `field` descending, labelled by `nameOf`, values in percent. */
export function rateBars(rows: readonly RateRow[], field: RateField, nameOf: (r: RateRow) => string): { labels: string[]; values: (number | null)[]; keys: string[] } {
  const sorted = [...rows].sort((a, b) => (b[field] ?? 0) - (a[field] ?? 0) || a.key.localeCompare(b.key))
  return {
    keys: sorted.map((r) => r.key),
    labels: sorted.map(nameOf),
    values: sorted.map((r) => (rateBase(r, field) ? ratePercent(r[field]) : null)),
  }
}

/** The history as a line per rate, in percent, by day (oldest first). */
export function historySeries(rows: readonly RateHistoryRow[]): { days: string[]; series: Record<RateField, (number | null)[]> } {
  const sorted = [...rows].sort((a, b) => a.day.localeCompare(b.day))
  const series = Object.fromEntries(RATE_FIELDS.map((f) => [f, sorted.map((r) => (rateBase(r, f) ? ratePercent(r[f]) : null))])) as Record<
    RateField,
    (number | null)[]
  >
  return { days: sorted.map((r) => r.day), series }
}

/** The map's values: district code → resumption rate in percent. */
export function districtValues(rows: readonly RateRow[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const r of rows) if (r.enterprises) out[r.key] = ratePercent(r.resumption_rate) ?? 0
  return out
}

/** GB/T 4754-2017 sections (门类) A–T; their names are messages ent.industry.X. */
export const INDUSTRY_SECTIONS = 'ABCDEFGHIJKLMNOPQRST'.split('')

// -------------------------------------------------------------- rule errors

export interface RuleErrorPlace {
  line: number
  column: number
  /** What the parser says, without the place. */
  message: string
}

/**
 * The place of a rule or formula parse error: the API's 400/422 field message
 * "line 1, column 14: expected …" (the detail may carry a "rule: " prefix). Null when
 * the message names no place (a budget error, say).
 */
export function parseRuleError(message: string): RuleErrorPlace | null {
  const m = /(?:^|:\s*)line (\d+), column (\d+):\s*(.*)$/s.exec(message.trim())
  if (!m) return null
  return { line: Number(m[1]), column: Number(m[2]), message: m[3] }
}

/**
 * The source line an error points at, split around the character at `column` (1-based,
 * counted in characters as the server counts them: a Chinese character or ≥ is one).
 * A column past the end points at a blank after the text (an error at "the end").
 */
export function errorSpan(source: string, place: Pick<RuleErrorPlace, 'line' | 'column'>): { before: string; at: string; after: string } {
  const lines = source.split(/\r\n|\n|\r/)
  const text = Array.from(lines[Math.min(Math.max(place.line, 1), lines.length) - 1] ?? '')
  const i = Math.max(place.column - 1, 0)
  if (i >= text.length) return { before: text.join(''), at: ' ', after: '' }
  return { before: text.slice(0, i).join(''), at: text[i], after: text.slice(i + 1).join('') }
}

// ------------------------------------------------------------------ roster

export interface RosterLineError {
  /** 1-based line of the pasted text. */
  line: number
  /** A message key of ent.roster.errors. */
  key: 'fields' | 'name' | 'idNumber' | 'idCheck' | 'phone' | 'duplicate'
  /** The earlier line for a duplicate. */
  other?: number
}

export interface RosterParse {
  entries: RosterEntry[]
  /** entries[i] came from line lines[i]. */
  lines: number[]
  errors: RosterLineError[]
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
const ID_CHECK = '10X98765432'

/** GB 11643 check character of an 18-character citizen ID number. */
export function idNumberValid(id: string): boolean {
  if (!/^\d{17}[\dX]$/.test(id)) return false
  const sum = ID_WEIGHTS.reduce((s, w, i) => s + w * Number(id[i]), 0)
  return ID_CHECK[sum % 11] === id[17]
}

/**
 * The roster pasted as lines "姓名,身份证号,手机" (commas — ASCII or Chinese —, tabs from a
 * spreadsheet, or spaces); the phone may be left out; blank lines are skipped. Every bad
 * line is reported with its number; nothing of a bad line is kept.
 */
export function parseRoster(text: string): RosterParse {
  const out: RosterParse = { entries: [], lines: [], errors: [] }
  const seen = new Map<string, number>()
  text.split(/\r\n|\n|\r/).forEach((raw, i) => {
    const line = i + 1
    const s = raw.trim()
    if (!s) return
    const parts = (/[,，\t]/.test(s) ? s.split(/\s*[,，\t]\s*/) : s.split(/\s+/)).map((p) => p.trim())
    while (parts.length > 2 && parts[parts.length - 1] === '') parts.pop()
    if (parts.length < 2 || parts.length > 3) {
      out.errors.push({ line, key: 'fields' })
      return
    }
    const [name, rawId, phone = ''] = parts
    const id = rawId.toUpperCase()
    if (!name) return void out.errors.push({ line, key: 'name' })
    if (!/^\d{17}[\dX]$/.test(id)) return void out.errors.push({ line, key: 'idNumber' })
    if (!idNumberValid(id)) return void out.errors.push({ line, key: 'idCheck' })
    if (phone && !/^1\d{10}$/.test(phone.replace(/[\s-]/g, ''))) return void out.errors.push({ line, key: 'phone' })
    const earlier = seen.get(id)
    if (earlier !== undefined) return void out.errors.push({ line, key: 'duplicate', other: earlier })
    seen.set(id, line)
    out.entries.push(phone ? { name, id_number: id, phone: phone.replace(/[\s-]/g, '') } : { name, id_number: id })
    out.lines.push(line)
  })
  return out
}

/** The pasted line a server field error "roster[3].id_number" is about, null for other fields. */
export function rosterErrorLine(field: string, parsed: Pick<RosterParse, 'lines'>): number | null {
  const m = /^roster\[(\d+)\]/.exec(field)
  if (!m) return null
  return parsed.lines[Number(m[1])] ?? null
}

/** Measures typed one per line: trimmed, blanks dropped. */
export function measureList(text: string): string[] {
  return text
    .split(/\r\n|\n|\r/)
    .map((s) => s.trim())
    .filter(Boolean)
}

// ------------------------------------------------------------------ filings

/** The known reasons of a returned or held filing (the server's "field: …" prefix) → ent.reason.* keys. */
export const FILING_REASON_KEYS: Record<string, string> = {
  'plan.responsible': 'responsible',
  'plan.responsible_phone': 'responsiblePhone',
  'plan.measures': 'measures',
  'plan.isolation_point': 'isolationPoint',
  'plan.supply_days': 'supplyDays',
  staff_before: 'staffBefore',
  roster: 'roster',
  open_on: 'openOn',
  held: 'held',
}

/**
 * A filing's reason as shown: the message key of a known one (with the field it names,
 * for pointing at the form), or the server's own words. A held reason keeps its text
 * (it names the area).
 */
export function filingReason(reason: string): { key: string | null; field: string; text: string } {
  const i = reason.indexOf(':')
  const field = i > 0 ? reason.slice(0, i).trim() : ''
  const text = i > 0 ? reason.slice(i + 1).trim() : reason
  const key = FILING_REASON_KEYS[field]
  return { key: key && field !== 'held' ? `ent.reason.${key}` : null, field, text }
}

// -------------------------------------------------------------- explanations

export interface ExplainedTerm {
  /** The condition as the rule writes it ("not key" for one under a not). */
  condition: string
  /** Whether the rule wants it to hold (false under an odd number of nots). */
  wanted: boolean
  /** The enterprise meets what the rule wants: ✓. */
  met: boolean
  mark: '✓' | '✗'
  /** The enterprise's own value: the fact and its value ("revenue_drop", "44.08"). */
  fact: string | null
  value: string
  actual: string
}

/** A condition's line for 为什么能享受 / 为什么不能: ✓ when met as the rule wants it. */
export function explainTerm(t: VerdictTerm): ExplainedTerm {
  const negated = /^not\s/.test(t.condition)
  const met = negated ? !t.holds : t.holds
  const m = /^([a-z_]+) is (.*)$/s.exec(t.actual)
  return {
    condition: t.condition,
    wanted: !negated,
    met,
    mark: met ? '✓' : '✗',
    fact: m ? m[1] : null,
    value: m ? m[2].replace(/^"(.*)"$/, '$1') : t.actual,
    actual: t.actual,
  }
}

/** A verdict's conditions, the ones not met first when it does not qualify (what to fix). */
export function explainVerdict(v: PolicyVerdict): ExplainedTerm[] {
  const terms = v.terms.map(explainTerm)
  return v.qualifies ? terms : [...terms.filter((x) => !x.met), ...terms.filter((x) => x.met)]
}

/** Money in 万元 with up to two decimals. */
export function wan(x: number | null | undefined, locale = 'zh-CN'): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—'
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 2, useGrouping: true }).format(x)
}

// ------------------------------------------------------------------ dry run

export const OVER_BUDGET_COLOR = '#d93025'

/** Cost against budget: over (red), the share used (0–1, null without a budget). */
export function budgetUse(d: Pick<DryRun, 'amount' | 'budget' | 'over_budget'>): { over: boolean; share: number | null } {
  const over = d.over_budget || (d.budget > 0 && d.amount > d.budget)
  return { over, share: d.budget > 0 ? d.amount / d.budget : null }
}

/** A breakdown as bars, largest amount first. */
export function breakdownBars(rows: readonly Breakdown[], nameOf: (b: Breakdown) => string): { labels: string[]; amounts: number[]; counts: number[] } {
  const sorted = [...rows].sort((a, b) => b.amount - a.amount || b.enterprises - a.enterprises)
  return { labels: sorted.map(nameOf), amounts: sorted.map((b) => Math.round(b.amount * 100) / 100), counts: sorted.map((b) => b.enterprises) }
}

// -------------------------------------------------------------------- misc

/** An item past its deadline and still open (the server's flag, or the clock). */
export function itemOverdue(item: Pick<EntItem, 'status' | 'due_at' | 'overdue'>, now: number): boolean {
  if (item.status !== 'open') return false
  if (item.overdue) return true
  const due = item.due_at ? Date.parse(item.due_at) : NaN
  return Number.isFinite(due) && due < now
}

/** 37.3 °C (the server's threshold) or a symptom keeps a person off work. */
export const FEVER_C = 37.3

export function feverish(temperature: number | null | undefined, symptoms: string): boolean {
  return (typeof temperature === 'number' && temperature >= FEVER_C) || symptoms.trim() !== ''
}

/** The leverage ratio (spending drawn / voucher value redeemed), one decimal; "—" with nothing redeemed. */
export function leverageText(spend: number, valueRedeemed: number, locale = 'zh-CN'): string {
  if (!valueRedeemed) return '—'
  return new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(spend / valueRedeemed)
}
