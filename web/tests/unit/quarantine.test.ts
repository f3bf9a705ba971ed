// The quarantine pages' rules (lib/quarantine.ts): pages by permission and role, the site
// page's buttons per state and release verdict, the health check's checks before sending,
// the open-loop report grouped by state, days served; the command's site form and the
// rooms typed in bulk.
import { describe, expect, it } from 'vitest'
import type { QuarantineStuck } from '../../src/api/types'
import {
  checkProblems,
  daysOf,
  emptySiteForm,
  mayTakeOutOfService,
  newSiteBody,
  roomNumbers,
  roomsToAdd,
  siteFormOf,
  sitePatch,
  siteProblems,
  groupStuck,
  isAlarming,
  lateParts,
  quarantineHome,
  quarantinePageAllowed,
  quarantinePages,
  siteActions,
  sortCheckList,
} from '../../src/lib/quarantine'

describe('quarantine pages', () => {
  it('gives a grid worker the site page first, a commander the desk, a site staff only the site, a resident their own', () => {
    expect(quarantinePages(['quarantine.read', 'quarantine.care'], { role: 'grid_worker' })).toEqual(['site', 'desk'])
    expect(quarantineHome(['quarantine.read', 'quarantine.write'], { role: 'commander' })).toBe('desk')
    expect(quarantinePages(['quarantine.read', 'quarantine.care'], { role: 'site_staff' })).toEqual(['site'])
    expect(quarantinePageAllowed('desk', ['quarantine.read'], { role: 'site_staff' })).toBe(false)
    expect(quarantinePages(['quarantine.self'], { role: 'resident' })).toEqual(['me'])
    expect(quarantineHome(['hotline.read'])).toBeNull()
    expect(quarantineHome(undefined)).toBeNull()
  })
})

describe('site actions', () => {
  it('offers check-in after pickup, checks while active, release only when the verdict allows it', () => {
    expect(siteActions({ state: 'picked_up', mode: 'centralised' })).toEqual(['check_in', 'health_check', 'test_result'])
    expect(siteActions({ state: 'assigned', mode: 'home' })).toEqual(['check_in', 'health_check', 'test_result'])
    expect(siteActions({ state: 'assigned', mode: 'centralised' })).toEqual(['health_check', 'test_result'])
    expect(siteActions({ state: 'checked_in', mode: 'centralised', release: { allowed: false, reasons: ['no test for day 4'] } })).toEqual([
      'health_check',
      'test_result',
    ])
    expect(siteActions({ state: 'checked_in', mode: 'centralised', release: { allowed: true, reasons: [] } })).toEqual([
      'health_check',
      'test_result',
      'release',
    ])
    expect(siteActions({ state: 'escalated', mode: 'centralised' })).toEqual([])
    expect(siteActions({ state: 'released', mode: 'centralised', release: { allowed: true, reasons: [] } })).toEqual([])
  })
})

describe('health check', () => {
  it('names a missing or implausible temperature and long symptoms, as the server would', () => {
    expect(checkProblems(undefined, '')).toEqual({ temperature_c: 'quarantine.problem.temperature' })
    expect(checkProblems(365, '')).toEqual({ temperature_c: 'quarantine.problem.temperatureRange' })
    expect(checkProblems(29.9, '')).toEqual({ temperature_c: 'quarantine.problem.temperatureRange' })
    expect(checkProblems(36.6, '')).toEqual({})
    expect(checkProblems(45, '咳'.repeat(134))).toEqual({ symptoms: 'quarantine.problem.symptomsLong' })
    expect(checkProblems(45, '咳'.repeat(133))).toEqual({})
  })

  it('warns of escalation at the fever mark or with any symptom', () => {
    expect(isAlarming(37.2, '')).toBe(false)
    expect(isAlarming(37.3, '')).toBe(true)
    expect(isAlarming(36.5, ' 咳嗽 ')).toBe(true)
    expect(isAlarming(36.5, '  ')).toBe(false)
    expect(isAlarming(37.5, '', 38)).toBe(false)
  })
})

describe('open-loop report', () => {
  const s = (person_id: number, state: QuarantineStuck['state'], late_minutes: number): QuarantineStuck => ({
    person_id,
    site_id: null,
    state,
    since: null,
    due: null,
    late_minutes,
  })

  it('groups by state in the lifecycle order, longest late first', () => {
    const groups = groupStuck([s(5, 'picked_up', 30), s(1, 'listed', 10), s(2, 'listed', 250), s(3, 'absconded', 1500), s(4, 'listed', 250)])
    expect(groups.map((g) => g.state)).toEqual(['listed', 'picked_up', 'absconded'])
    expect(groups[0].items.map((i) => i.person_id)).toEqual([2, 4, 1])
    expect(groups[0].worstMinutes).toBe(250)
    expect(groups[2].worstMinutes).toBe(1500)
    expect(groupStuck([])).toEqual([])
    expect(lateParts(250)).toEqual({ h: 4, m: 10 })
    expect(lateParts(-3)).toEqual({ h: 0, m: 0 })
  })
})

describe('check list and days', () => {
  it('puts the people who owe a test first', () => {
    const item = (person_id: number, site_id: number, test_day: number | null) => ({
      person_id,
      site_id,
      tier: 'close' as const,
      mode: 'centralised' as const,
      day: 4,
      check_due: true,
      test_due: test_day !== null,
      test_day,
      last_check_at: null,
    })
    expect(sortCheckList([item(3, 1, null), item(2, 2, 4), item(1, 1, null)]).map((i) => i.person_id)).toEqual([2, 1, 3])
  })

  it('counts the day of the quarantine from its start, capped at its length', () => {
    const p = { quarantine_start: '2022-03-01T10:00:00+08:00', quarantine_end: '2022-03-15T10:00:00+08:00' }
    expect(daysOf(p, Date.parse('2022-03-01T11:00:00+08:00'))).toEqual({ day: 1, of: 14 })
    expect(daysOf(p, Date.parse('2022-03-05T09:59:00+08:00'))).toEqual({ day: 4, of: 14 })
    expect(daysOf(p, Date.parse('2022-04-01T00:00:00+08:00'))).toEqual({ day: 14, of: 14 })
    expect(daysOf({ quarantine_start: null, quarantine_end: null }, 0)).toBeNull()
  })
})

describe('site form', () => {
  const site = {
    id: 7,
    name: 'Hotel A',
    kind: 'hotel',
    district_code: '220102000000',
    address: '1 People St',
    phone: '0431-80000001',
    lon: null,
    lat: null,
    open: true,
    capacity: 0,
    effective_capacity: 22,
    staff: ['site01'],
    rooms: 20,
    beds: 22,
    booked: 5,
    checked_in: 2,
    free_rooms: 15,
  }

  it('names what the server would refuse before sending', () => {
    const f = emptySiteForm()
    f.capacity = 100_001
    f.staff = `ok, ${'u'.repeat(65)}`
    expect(siteProblems(f, true)).toEqual({
      name: 'forms.problem.required',
      district_code: 'forms.problem.required',
      capacity: 'forms.site.problem.capacity',
      staff: 'forms.site.problem.staff',
    })
    expect(siteProblems({ ...f, name: 'x', district_code: '', capacity: 0, staff: '' }, false)).toEqual({})
  })

  it('creates with the staff as a list and sends only what changed', () => {
    const f = { ...emptySiteForm('220102000000'), name: ' Hotel B ', staff: 'site01, site02', phone: '' }
    expect(newSiteBody(f)).toEqual({ name: 'Hotel B', kind: 'hotel', district_code: '220102000000', capacity: 0, staff: ['site01', 'site02'] })
    const edit = siteFormOf(site)
    expect(sitePatch(site, edit)).toEqual({})
    edit.open = false
    edit.staff = 'site01 site03'
    edit.capacity = 30
    expect(sitePatch(site, edit)).toEqual({ open: false, staff: ['site01', 'site03'], capacity: 30 })
  })
})

describe('room numbers typed in bulk', () => {
  it('expands ranges with a prefix and zero padding, and keeps single numbers in order', () => {
    expect(roomNumbers('101-103, 201 ~ 202\n301A').numbers).toEqual(['101', '102', '103', '201', '202', '301A'])
    expect(roomNumbers('A08-A10').numbers).toEqual(['A08', 'A09', 'A10'])
    expect(roomNumbers('001-003').numbers).toEqual(['001', '002', '003'])
    expect(roomNumbers('').numbers).toEqual([])
  })

  it('names a backwards or mixed range, a number in two ranges and too many rooms', () => {
    expect(roomNumbers('120-101').problem).toEqual({ key: 'forms.rooms.problem.range', token: '120-101' })
    expect(roomNumbers('A1-B3').problem).toEqual({ key: 'forms.rooms.problem.range', token: 'A1-B3' })
    expect(roomNumbers('a-b').problem).toEqual({ key: 'forms.rooms.problem.range', token: 'a-b' })
    expect(roomNumbers('101-105, 105-110').problem).toEqual({ key: 'forms.rooms.problem.twice', token: '105' })
    expect(roomNumbers('1-5001').problem?.key).toBe('forms.rooms.problem.many')
    expect(roomNumbers('1-3000, 4001-7000').problem?.key).toBe('forms.rooms.problem.many')
    expect(roomNumbers('x'.repeat(41)).problem?.key).toBe('forms.rooms.problem.long')
  })

  it('gives every room the same beds and access, naming numbers the site already has', () => {
    const plan = roomsToAdd(['101', '102', '103'], 2, true, ['102', '999'])
    expect(plan.rooms).toEqual([
      { number: '101', beds: 2, accessible: true },
      { number: '102', beds: 2, accessible: true },
      { number: '103', beds: 2, accessible: true },
    ])
    expect(plan.clash).toEqual(['102'])
  })

  it('lets a room go out of service only when no one is booked in it', () => {
    expect(mayTakeOutOfService({ in_service: true, occupants: [] })).toBe(true)
    expect(mayTakeOutOfService({ in_service: true, occupants: [12] })).toBe(false)
    expect(mayTakeOutOfService({ in_service: false, occupants: [] })).toBe(false)
  })
})
