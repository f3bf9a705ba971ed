// Quarantine and transfer (隔离转运; /api/v1/quarantine, docs/quarantine.md) on the client:
// which pages an account sees, the buttons a person's state offers on the site's phone
// page, the checks made before a health check is sent, and the open-loop report grouped
// for the desk. The server decides and says why it refuses; these only shape what is shown.
import type { QuarantineCheckItem, QuarantinePerson, QuarantineState, QuarantineStuck } from '../api/types'
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
