// Quarantine and transfer (隔离转运; /api/v1/quarantine, docs/quarantine.md) on the client:
// which pages an account sees, the buttons a person's state offers on the site's phone
// page, the checks made before a health check is sent, the open-loop report grouped
// for the desk, and the command's site and room forms (what is sent, what the server
// would refuse). The server decides and says why it refuses; these only shape what is shown.
import type {
  NewQuarantineRoom,
  NewQuarantineSite,
  QuarantineCheckItem,
  QuarantinePerson,
  QuarantineRoom,
  QuarantineSite,
  QuarantineSiteKind,
  QuarantineSitePatch,
  QuarantineState,
  QuarantineStuck,
} from '../api/types'
import { splitList, utf8Bytes } from './forms'
import type { PageUser } from './testing'

export const QUARANTINE_READ = 'quarantine.read'
export const QUARANTINE_WRITE = 'quarantine.write'
export const QUARANTINE_CARE = 'quarantine.care'
export const QUARANTINE_SELF = 'quarantine.self'

/**
 * The quarantine pages, in tab order: 隔离点 site (a site's staff's or grid worker's phone
 * page: today's check list, arrivals to check in, release; quarantine.care), 隔离调度 desk
 * (the command: sites, open loop, transfers, counts, room assignment; quarantine.read, not
 * for a site's staff, who act on their guests only) and 我的隔离 me (a resident's own
 * quarantine and daily self-check; quarantine.self).
 */
export type QuarantinePage = 'site' | 'desk' | 'me'
export const QUARANTINE_PAGES: readonly QuarantinePage[] = ['site', 'desk', 'me']

export const QUARANTINE_PAGE_PERMISSION: Record<QuarantinePage, string> = {
  site: QUARANTINE_CARE,
  desk: QUARANTINE_READ,
  me: QUARANTINE_SELF,
}

export function quarantinePageAllowed(page: QuarantinePage, permissions: readonly string[] | undefined, user?: PageUser | null): boolean {
  if (!permissions?.includes(QUARANTINE_PAGE_PERMISSION[page])) return false
  return !(page === 'desk' && user?.role === 'site_staff')
}

export function quarantinePages(permissions: readonly string[] | undefined, user?: PageUser | null): QuarantinePage[] {
  return QUARANTINE_PAGES.filter((p) => quarantinePageAllowed(p, permissions, user))
}

/** The first quarantine page a user may open: the phone page for those who care for guests. */
export function quarantineHome(permissions: readonly string[] | undefined, user?: PageUser | null): QuarantinePage | null {
  return quarantinePages(permissions, user)[0] ?? null
}

export const QUARANTINE_STATES: readonly QuarantineState[] = [
  'listed',
  'assigned',
  'pickup_scheduled',
  'picked_up',
  'checked_in',
  'released',
  'escalated',
  'hospitalised',
  'absconded',
  'refused',
  'cancelled',
]

/** lifecycle.h IsActive: health checks and test results are recorded in these states. */
export function isActive(state: QuarantineState): boolean {
  return state === 'listed' || state === 'assigned' || state === 'pickup_scheduled' || state === 'picked_up' || state === 'checked_in'
}

export type SiteAction = 'health_check' | 'test_result' | 'check_in' | 'release'

/**
 * The buttons the site page shows for a person read alone: check-in after pickup (or at
 * home once assigned there), a health check and a test result while active, release only
 * when the server's verdict allows it.
 */
export function siteActions(p: Pick<QuarantinePerson, 'state' | 'mode' | 'release'>): SiteAction[] {
  const out: SiteAction[] = []
  if (p.state === 'picked_up' || (p.state === 'assigned' && p.mode === 'home')) out.push('check_in')
  if (isActive(p.state)) out.push('health_check', 'test_result')
  if (p.state === 'checked_in' && p.release?.allowed) out.push('release')
  return out
}

/** The server's fever mark by default (rules.h health.fever_celsius). */
export const FEVER_CELSIUS = 37.3

/**
 * The problems the server would name for a health check (field → i18n key): a
 * temperature 30–45 °C (anything else is a typing error), symptoms ≤ 400 bytes.
 */
export function checkProblems(temperature: number | null | undefined, symptoms: string): Record<string, string> {
  const out: Record<string, string> = {}
  if (temperature === null || temperature === undefined || Number.isNaN(temperature)) out.temperature_c = 'quarantine.problem.temperature'
  else if (temperature < 30 || temperature > 45) out.temperature_c = 'quarantine.problem.temperatureRange'
  if (new TextEncoder().encode(symptoms).length > 400) out.symptoms = 'quarantine.problem.symptomsLong'
  return out
}

/** A check the server will escalate at once: at or above the fever mark, or naming a symptom. */
export function isAlarming(temperature: number, symptoms: string, feverMark = FEVER_CELSIUS): boolean {
  return temperature >= feverMark || symptoms.trim() !== ''
}

export interface StuckGroup {
  state: QuarantineState
  items: QuarantineStuck[]
  worstMinutes: number
}

/**
 * The open-loop report by state, in the lifecycle's order, each group longest late first
 * (the server already sorts so; kept if it did not).
 */
export function groupStuck(items: readonly QuarantineStuck[]): StuckGroup[] {
  const by = new Map<QuarantineState, QuarantineStuck[]>()
  for (const s of items) {
    const list = by.get(s.state)
    if (list) list.push(s)
    else by.set(s.state, [s])
  }
  return QUARANTINE_STATES.filter((s) => by.has(s)).map((state) => {
    const list = [...by.get(state)!].sort((a, b) => b.late_minutes - a.late_minutes || a.person_id - b.person_id)
    return { state, items: list, worstMinutes: list[0].late_minutes }
  })
}

/** Minutes late as hours and minutes (the page words them). */
export function lateParts(minutes: number): { h: number; m: number } {
  const m = Math.max(0, Math.floor(minutes))
  return { h: Math.floor(m / 60), m: m % 60 }
}

/** Today's check list first the people who owe a test, then by site and id. */
export function sortCheckList(items: readonly QuarantineCheckItem[]): QuarantineCheckItem[] {
  return [...items].sort(
    (a, b) => Number(b.test_due) - Number(a.test_due) || (a.site_id ?? 0) - (b.site_id ?? 0) || a.person_id - b.person_id,
  )
}

/** Quarantine days served and in all (from the start and end the server gives), or null before check-in. */
export function daysOf(p: Pick<QuarantinePerson, 'quarantine_start' | 'quarantine_end'>, now: number): { day: number; of: number } | null {
  if (!p.quarantine_start || !p.quarantine_end) return null
  const start = Date.parse(p.quarantine_start)
  const end = Date.parse(p.quarantine_end)
  if (Number.isNaN(start) || Number.isNaN(end)) return null
  const dayMs = 86_400_000
  const of = Math.max(1, Math.round((end - start) / dayMs))
  const day = Math.min(of, Math.max(1, Math.floor((now - start) / dayMs) + 1))
  return { day, of }
}

// ---- Sites and rooms: the command's forms (POST/PATCH /quarantine/sites, .../rooms) ----

export const ROOM_MAX_BEDS = 4
export const SITE_MAX_CAPACITY = 100_000
/** The most rooms one request may carry (the server's limit). */
export const ROOMS_PER_REQUEST = 5000

/** The site form: staff as typed (usernames separated by commas or spaces). */
export interface SiteForm {
  name: string
  kind: QuarantineSiteKind
  district_code: string
  address: string
  phone: string
  /** 0: as many as its beds. */
  capacity: number
  staff: string
  open: boolean
}

export function emptySiteForm(districtCode = ''): SiteForm {
  return { name: '', kind: 'hotel', district_code: districtCode, address: '', phone: '', capacity: 0, staff: '', open: true }
}

export function siteFormOf(s: QuarantineSite): SiteForm {
  return {
    name: s.name,
    kind: s.kind === 'other' ? 'other' : 'hotel',
    district_code: s.district_code,
    address: s.address,
    phone: s.phone,
    capacity: s.capacity,
    staff: s.staff.join(', '),
    open: s.open,
  }
}

/**
 * The problems the server would name for a site (field → i18n key): a name of 1–200
 * bytes, a district when creating, an address ≤ 400 bytes, a phone ≤ 40, capacity
 * 0–100000, staff usernames ≤ 64 bytes and at most 200 of them.
 */
export function siteProblems(f: SiteForm, creating: boolean): Record<string, string> {
  const out: Record<string, string> = {}
  const name = f.name.trim()
  if (!name) out.name = 'forms.problem.required'
  else if (utf8Bytes(name) > 200) out.name = 'forms.problem.tooLong'
  if (creating && !f.district_code) out.district_code = 'forms.problem.required'
  if (utf8Bytes(f.address.trim()) > 400) out.address = 'forms.problem.tooLong'
  if (utf8Bytes(f.phone.trim()) > 40) out.phone = 'forms.problem.tooLong'
  if (!Number.isInteger(f.capacity) || f.capacity < 0 || f.capacity > SITE_MAX_CAPACITY) out.capacity = 'forms.site.problem.capacity'
  const staff = splitList(f.staff)
  if (staff.length > 200 || staff.some((u) => utf8Bytes(u) > 64)) out.staff = 'forms.site.problem.staff'
  return out
}

/** The body of POST /quarantine/sites (rooms, if any, added by the caller). */
export function newSiteBody(f: SiteForm): NewQuarantineSite {
  const body: NewQuarantineSite = { name: f.name.trim(), kind: f.kind, district_code: f.district_code, capacity: f.capacity, staff: splitList(f.staff) }
  if (f.address.trim()) body.address = f.address.trim()
  if (f.phone.trim()) body.phone = f.phone.trim()
  return body
}

/** The body of PATCH /quarantine/sites/{id}: only the fields that changed (kind and district cannot). */
export function sitePatch(before: QuarantineSite, f: SiteForm): QuarantineSitePatch {
  const p: QuarantineSitePatch = {}
  if (f.name.trim() !== before.name) p.name = f.name.trim()
  if (f.address.trim() !== before.address) p.address = f.address.trim()
  if (f.phone.trim() !== before.phone) p.phone = f.phone.trim()
  if (f.open !== before.open) p.open = f.open
  if (f.capacity !== before.capacity) p.capacity = f.capacity
  const staff = splitList(f.staff)
  if (staff.join('\n') !== before.staff.join('\n')) p.staff = staff
  return p
}

export interface RoomNumbers {
  numbers: string[]
  /** i18n keys by problem, with the token that caused it. */
  problem: { key: string; token: string } | null
}

/**
 * Room numbers typed in bulk: "101-120, 201-205, 301A" — ranges of numbers sharing an
 * optional prefix ("A101-A110"), keeping the start's zero padding ("001-010"), and single
 * numbers. A range running backwards, a number longer than 40 bytes, a number given twice
 * or more than 5000 rooms is a problem (the first one found); numbers are in typed order.
 */
export function roomNumbers(text: string): RoomNumbers {
  const numbers: string[] = []
  const seen = new Set<string>()
  const norm = text.replace(/\s*[-~\u2013\u2014\uff5e]\s*/g, '-')
  const add = (n: string, token: string): RoomNumbers['problem'] => {
    if (utf8Bytes(n) > 40) return { key: 'forms.rooms.problem.long', token }
    if (seen.has(n)) return { key: 'forms.rooms.problem.twice', token: n }
    if (numbers.length >= ROOMS_PER_REQUEST) return { key: 'forms.rooms.problem.many', token }
    seen.add(n)
    numbers.push(n)
    return null
  }
  for (const token of splitList(norm)) {
    const range = /^(\D*)(\d+)-(\D*)(\d+)$/.exec(token)
    if (!range) {
      if (token.includes('-')) return { numbers, problem: { key: 'forms.rooms.problem.range', token } }
      const p = add(token, token)
      if (p) return { numbers, problem: p }
      continue
    }
    const [, prefix, from, prefix2, to] = range
    if (prefix2 && prefix2 !== prefix) return { numbers, problem: { key: 'forms.rooms.problem.range', token } }
    const a = Number(from)
    const b = Number(to)
    if (b < a) return { numbers, problem: { key: 'forms.rooms.problem.range', token } }
    if (b - a + 1 > ROOMS_PER_REQUEST) return { numbers, problem: { key: 'forms.rooms.problem.many', token } }
    for (let i = a; i <= b; i++) {
      const p = add(prefix + String(i).padStart(from.length, '0'), token)
      if (p) return { numbers, problem: p }
    }
  }
  return { numbers, problem: null }
}

/** The rooms to add: every number with the same beds and access; the numbers a site already has named. */
export function roomsToAdd(
  numbers: readonly string[],
  beds: number,
  accessible: boolean,
  existing: readonly string[] = [],
): { rooms: NewQuarantineRoom[]; clash: string[] } {
  const have = new Set(existing)
  return {
    rooms: numbers.map((number) => ({ number, beds, accessible })),
    clash: numbers.filter((n) => have.has(n)),
  }
}

/** A room can go out of service only while no one is booked in it (the server refuses it otherwise). */
export function mayTakeOutOfService(r: Pick<QuarantineRoom, 'in_service' | 'occupants'>): boolean {
  return r.in_service && r.occupants.length === 0
}
