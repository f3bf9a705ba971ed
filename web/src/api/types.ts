// Shapes of the tongchou JSON API (GET /api/v1/openapi.json is the reference).

export type Level = 'city' | 'district' | 'street' | 'community' | 'compound' | 'building' | 'unit'
export type Mode = 'peacetime' | 'wartime'
export type CareTag = 'elderly_alone' | 'chronic' | 'pregnant' | 'disability' | 'severe_illness'
export const CARE_TAGS: readonly CareTag[] = ['elderly_alone', 'chronic', 'pregnant', 'disability', 'severe_illness']
export const LEVELS: readonly Level[] = ['city', 'district', 'street', 'community', 'compound', 'building', 'unit']

export interface Area {
  code: string
  parent_code: string | null
  name: string
  level: Level
  path: string
  mode: Mode
  updated_at?: string
}

export interface AreaCounts {
  children: number
  streets: number
  communities: number
  compounds: number
  buildings: number
  units: number
  grids: number
  households: number
  residents: number
}

export interface AreaDetail extends Area {
  counts: AreaCounts
  care_tags: Record<CareTag, number>
}

export interface MapProperties {
  code: string
  name: string
  level: Level
  mode: Mode
  role: 'parent' | 'child'
  residents: number
  households: number
  area_km2: number
  density: number
}

export interface MapFeature {
  type: 'Feature'
  properties: MapProperties
  geometry: { type: string; coordinates: unknown } | null
}

export interface MapCollection {
  type: 'FeatureCollection'
  features: MapFeature[]
}

export interface User {
  id: number
  username: string
  display_name: string
  role: string
  area_code: string
  permissions: string[]
}

export interface Me extends User {
  area: Area
}

export interface LoginResponse {
  token: string
  expires_at: string
  user: User
}

export interface Resident {
  id: number
  name: string
  id_number: string
  phone: string
  birth_date: string
  sex: 'M' | 'F' | ''
  household_code: string
  tags: CareTag[]
  status: string
  masked: boolean
}

export interface Page<T> {
  items: T[]
  next_after: number | null
}

export interface Residence {
  household_code: string
  moved_in_at: string
  moved_out_at: string | null
  reason: string
  actor: string
}

export interface ResidentDetail extends Resident {
  household: { code: string; address: string; members: Resident[] } | null
  history: Residence[]
}

export interface DuplicatePair {
  a: Resident
  b: Resident
  reason: string
}

export type CoverageLevel = 'street' | 'community' | 'compound' | 'building' | 'unit' | 'grid'
export const COVERAGE_LEVELS: readonly CoverageLevel[] = ['street', 'community', 'compound', 'building', 'unit', 'grid']

export interface CoverageGap {
  code: string
  name: string
  level: CoverageLevel
  problems: string[]
}

export interface CoverageReport {
  area_code: string
  by_level: Partial<Record<CoverageLevel, { total: number; with_gaps: number }>>
  total_gaps: number
  gaps: CoverageGap[]
}
