// The hospital form's rules (lib/hospitals.ts): who may edit, the problems the server
// would name (beds by kind, not below those taken, a designated hospital with patients
// not turned into a fever clinic), and PATCH carrying only what changed.
import { describe, expect, it } from 'vitest'
import type { Hospital } from '../../src/api/types'
import {
  emptyHospitalForm,
  hospitalFormOf,
  hospitalPatch,
  hospitalProblems,
  mayEditHospitals,
  newHospitalBody,
  totalBeds,
} from '../../src/lib/hospitals'

const hospital = (over: Partial<Hospital> = {}): Hospital => ({
  id: 3,
  name: 'Infectious Diseases Hospital',
  kind: 'designated',
  admits_cases: true,
  district_code: '220102000000',
  beds: { ordinary: 120, severe: 30, icu: 12 },
  occupied: { ordinary: 40, severe: 2, icu: 0 },
  free: { ordinary: 80, severe: 28, icu: 12 },
  awaiting_suggested: 0,
  ...over,
})

describe('hospital form', () => {
  it('is for medical.write only', () => {
    expect(mayEditHospitals(['medical.read', 'medical.write'])).toBe(true)
    expect(mayEditHospitals(['medical.read'])).toBe(false)
    expect(mayEditHospitals(undefined)).toBe(false)
  })

  it('names a missing name and district and beds out of range before sending', () => {
    const f = emptyHospitalForm()
    f.beds.icu = -1
    f.beds.severe = null
    expect(hospitalProblems(f)).toEqual({
      name: 'forms.problem.required',
      district_code: 'forms.problem.required',
      'beds.severe': 'forms.hospital.problem.beds',
      'beds.icu': 'forms.hospital.problem.beds',
    })
    f.name = 'Fever clinic'
    f.district_code = '220103000000'
    f.beds = { ordinary: 16, severe: 0, icu: 0 }
    expect(hospitalProblems(f)).toEqual({})
    expect(newHospitalBody(f)).toEqual({ name: 'Fever clinic', kind: 'designated', district_code: '220103000000', beds: { ordinary: 16, severe: 0, icu: 0 } })
  })

  it('refuses beds below those taken and a designated hospital with patients turned fever clinic', () => {
    const h = hospital()
    const f = hospitalFormOf(h)
    f.beds.ordinary = 39
    f.kind = 'fever_clinic'
    expect(hospitalProblems(f, h)).toEqual({ 'beds.ordinary': 'forms.hospital.problem.belowTaken', kind: 'forms.hospital.problem.kindInUse' })
    f.beds.ordinary = 40
    f.kind = 'both'
    expect(hospitalProblems(f, h)).toEqual({})
  })

  it('sends only what changed, beds only of the kinds changed', () => {
    const h = hospital()
    const f = hospitalFormOf(h)
    expect(hospitalPatch(h, f)).toEqual({})
    f.beds.icu = 20
    f.name = ' Infectious Diseases Hospital (North) '
    expect(hospitalPatch(h, f)).toEqual({ name: 'Infectious Diseases Hospital (North)', beds: { icu: 20 } })
    expect(totalBeds(h.beds)).toBe(162)
  })
})
