// Hospitals and fever clinics (/api/v1/hospitals, docs/quarantine.md) on the
// client: who may add or change them, and the hospital form (beds by kind; what is sent,
// what the server would refuse). The server decides and says why it refuses.
import type { BedCounts, BedKind, Hospital, HospitalKind, HospitalPatch, NewHospital } from '../api/types'
import { utf8Bytes } from './forms'

export const MEDICAL_READ = 'medical.read'
export const MEDICAL_WRITE = 'medical.write'

export const BED_KINDS: readonly BedKind[] = ['ordinary', 'severe', 'icu']
/** The server's most beds of one kind (hospitals.cc kMaxBeds). */
export const HOSPITAL_MAX_BEDS = 100_000

/** Hospitals are added and changed with medical.write. */
export function mayEditHospitals(permissions: readonly string[] | undefined): boolean {
  return !!permissions?.includes(MEDICAL_WRITE)
}

export interface HospitalForm {
  name: string
  kind: HospitalKind
  district_code: string
  beds: Record<BedKind, number | null>
}

export function emptyHospitalForm(districtCode = ''): HospitalForm {
  return { name: '', kind: 'designated', district_code: districtCode, beds: { ordinary: 0, severe: 0, icu: 0 } }
}

export function hospitalFormOf(h: Hospital): HospitalForm {
  return { name: h.name, kind: h.kind, district_code: h.district_code, beds: { ...h.beds } }
}

/**
 * The problems the server would name (field → i18n key): a name of 1–200 bytes, a
 * district when creating, beds of each kind a whole 0–100000 and, for a hospital that
 * has patients, not below the beds of that kind taken (`beds.<kind>`), and a designated
 * hospital with cases in its beds not turned into a fever clinic only.
 */
export function hospitalProblems(f: HospitalForm, before?: Pick<Hospital, 'occupied'> | null): Record<string, string> {
  const out: Record<string, string> = {}
  const name = f.name.trim()
  if (!name) out.name = 'forms.problem.required'
  else if (utf8Bytes(name) > 200) out.name = 'forms.problem.tooLong'
  if (!before && !f.district_code) out.district_code = 'forms.problem.required'
  for (const k of BED_KINDS) {
    const n = f.beds[k]
    if (n === null || !Number.isInteger(n) || n < 0 || n > HOSPITAL_MAX_BEDS) out[`beds.${k}`] = 'forms.hospital.problem.beds'
    else if (before && n < before.occupied[k]) out[`beds.${k}`] = 'forms.hospital.problem.belowTaken'
  }
  if (before && f.kind === 'fever_clinic' && BED_KINDS.some((k) => before.occupied[k] > 0)) out.kind = 'forms.hospital.problem.kindInUse'
  return out
}

const bedsOf = (f: HospitalForm): BedCounts => ({ ordinary: f.beds.ordinary ?? 0, severe: f.beds.severe ?? 0, icu: f.beds.icu ?? 0 })

export function newHospitalBody(f: HospitalForm): NewHospital {
  return { name: f.name.trim(), kind: f.kind, district_code: f.district_code, beds: bedsOf(f) }
}

/** The body of PATCH /hospitals/{id}: only what changed, beds only of the kinds changed. */
export function hospitalPatch(before: Hospital, f: HospitalForm): HospitalPatch {
  const p: HospitalPatch = {}
  if (f.name.trim() !== before.name) p.name = f.name.trim()
  if (f.kind !== before.kind) p.kind = f.kind
  const beds = bedsOf(f)
  const changed = BED_KINDS.filter((k) => beds[k] !== before.beds[k])
  if (changed.length) p.beds = Object.fromEntries(changed.map((k) => [k, beds[k]])) as Partial<BedCounts>
  return p
}

/** All beds of a hospital (the three kinds together). */
export function totalBeds(b: BedCounts): number {
  return BED_KINDS.reduce((n, k) => n + b[k], 0)
}
