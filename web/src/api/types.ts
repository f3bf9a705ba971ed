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
  /** The resident this account belongs to (a resident's own account), null for staff. */
  resident_id?: number | null
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

// ---- Tracing (流调): venues, cases, the contact list ----

export type CaseKind = 'confirmed' | 'asymptomatic'
export const CASE_KINDS: readonly CaseKind[] = ['confirmed', 'asymptomatic']
/** Contact tiers (tracing/tiers.h): 密接 close, 次密接 secondary, 风险人员 exposed. */
export type Tier = 'close' | 'secondary' | 'exposed'
export const TIERS: readonly Tier[] = ['close', 'secondary', 'exposed']
/** The API still sends `ring` beside `tier` (same value). */
export type Ring = Tier
export type ContactStatus = 'pending' | 'notified' | 'quarantined' | 'monitoring' | 'released'
/** Every status in display order; each tier uses four of them (see lib/tiers.ts). */
export const CONTACT_STATUSES: readonly ContactStatus[] = ['pending', 'notified', 'quarantined', 'monitoring', 'released']
export type ReasonKind = 'venue' | 'household' | 'manual'
export const REASON_KINDS: readonly ReasonKind[] = ['venue', 'household', 'manual']
export type VenueKind =
  | 'wholesale_market'
  | 'supermarket'
  | 'restaurant'
  | 'mall'
  | 'office'
  | 'factory'
  | 'school'
  | 'hospital'
  | 'station'
  | 'other'
export const VENUE_KINDS: readonly VenueKind[] = [
  'wholesale_market',
  'supermarket',
  'restaurant',
  'mall',
  'office',
  'factory',
  'school',
  'hospital',
  'station',
  'other',
]

export interface Venue {
  id: number
  code: string
  name: string
  kind: VenueKind | string
  area_code: string
  capacity: number
  created_at?: string
}

export interface Case {
  id: number
  resident_id: number
  /** Added by the server from the registry; the phone is masked. */
  name?: string
  phone?: string
  household_code: string
  kind: CaseKind
  onset_date: string | null
  report_date: string
  hospital: string
  infector_case_id: number | null
  note: string
  created_by: string
  created_at: string
}

export interface NewCase {
  resident_id: number
  kind: CaseKind
  report_date: string
  onset_date?: string
  hospital?: string
  note?: string
  infector_case_id?: number
}

export interface ChainLink {
  /** The infector's case id. */
  source: number
  /** The infected case's id. */
  target: number
}

export interface Chain {
  case_id: number
  nodes: Case[]
  links: ChainLink[]
}

export interface Contact {
  id: number
  resident_id: number
  name: string
  phone: string
  household_code: string
  tier: Tier
  ring: Ring
  /** Exposure risk 0–1; null for entries added by hand. */
  score: number | null
  /** Chinese texts explaining the score, e.g. "与病例#12 同住", "人流密集", "评分 0.123". */
  terms: string[]
  case_id: number | null
  via_resident_id: number | null
  reason_kind: ReasonKind
  venue_id: number | null
  exposure_at: string | null
  /** Server text in Chinese (venue, time and case). */
  reason: string
  status: ContactStatus
  officer: string
  run_id: number | null
  listed_by: string
  listed_at: string
  updated_at: string
  removed_at: string | null
  removed_reason: string
}

export interface StatusChange {
  from: ContactStatus | ''
  to: ContactStatus
  officer: string
  note: string
  at: string
}

export interface ContactDetail extends Contact {
  history: StatusChange[]
}

export interface TraceRequest {
  case_ids: number[]
  margin_minutes?: number
  secondary?: boolean
  households?: boolean
  days_before_onset?: number
}

export interface TraceRun {
  run_id: number
  /** The close tier. */
  close_found: number
  secondary_found: number
  exposed_found: number
  /** The rule's close ring (what was listed as close before tiers). */
  ring_found: number
  tier_rules_version: number
  listed: number
  upgraded: number
  already_listed: number
  skipped_cases: number
  engine_ms: number
}

export interface SourceItem {
  rank: number
  venue: Venue | null
  cases: number
  expected: number
  traffic: number
  score: number
  explanation: string
}

export interface SourceRanking {
  cases: number
  items: SourceItem[]
}

export interface VisitTime {
  arrive_at: string
  leave_at: string | null
}

export interface Visitor {
  resident_id: number
  name: string
  phone: string
  visits: VisitTime[]
}

export interface VisitorsReport {
  venue: Venue
  from: string
  to: string
  visits: number
  distinct_persons: number
  engine_ms: number
  items: Visitor[]
  next_after: number | null
}

/** Open contact-list entries of one tier by status (exposed counts monitoring, not quarantined). */
export interface ContactCounts {
  pending: number
  notified: number
  quarantined: number
  monitoring?: number
  released: number
  total: number
}

/** One day of the epidemic curve: cases by onset date and by report date. */
export interface CurveDay {
  date: string
  onset: number
  reported: number
  reported_confirmed: number
  reported_asymptomatic: number
}

/** GET /api/v1/epidemic/summary: the epidemic under an area, in the caller's jurisdiction. */
export interface EpidemicSummary {
  area: { code: string; name: string; level: Level; mode: Mode }
  /** The server clock's date (a demo runs on the last day of its data). */
  today: string
  cases: { total: number; confirmed: number; asymptomatic: number; new_today: number; new_confirmed: number; new_asymptomatic: number }
  contacts: { close: ContactCounts; secondary: ContactCounts; exposed?: ContactCounts }
  curve: CurveDay[]
}

// ---- Contact tiers and their evaluation ----

export interface TierRules {
  /** 0: the built-in defaults (never stored). */
  version: number
  tiers: {
    close: { threshold: number; action: string }
    secondary: { threshold: number; action: string }
    exposed: { action: string; test_days: number[] }
  }
  weights: {
    household: number
    crowding: number
    per_hour: Record<string, number>
    stay_minutes: Record<string, number>
  }
  statuses: Record<Tier, ContactStatus[]>
  changed_by?: string
  changed_at?: string
}

/** PUT /tracing/tier-rules: the given settings on top of the rules in force. */
export interface TierRulesChange {
  reason: string
  tiers?: {
    close?: { threshold?: number; action?: string }
    secondary?: { threshold?: number; action?: string }
    exposed?: { action?: string; test_days?: number[] }
  }
  weights?: Partial<TierRules['weights']>
}

/** The result of a bulk status change, one item per id asked (in the order asked). */
export interface BulkStatusReply {
  updated: number
  failed: number
  items: (Contact | BulkStatusFailure)[]
}

export interface BulkStatusFailure {
  id: number
  error: { code: string; message: string; fields: { field: string; message: string }[] }
}

export type EvaluatedTier = Tier | 'close+exposed' | 'all tiers'

export interface TierRecall {
  tier: EvaluatedTier
  listed: number
  caught: number
  recall: number
  per_case: number
}

export interface RecallAtK {
  k: number
  listed: number
  caught: number
  recall: number
}

/** The list size per case needed for a recall; null when no K reaches it. */
export interface ListSizeFor {
  recall: number
  per_case: number | null
  listed: number | null
}

export interface RecallCurve {
  at_k: RecallAtK[]
  needed: ListSizeFor[]
}

/** GET /tracing/evaluation: tracing the first n cases against a generated outbreak's truth. */
export interface Evaluation {
  n: number
  infected_by_then: number
  infected_total: number
  /** The rule's close ring. */
  listed_close: number
  listed_secondary: number
  caught_close: number
  caught_secondary: number
  recall_close: number
  recall_both: number
  /** 0 when the truth names no source. */
  true_source_venue_id: number
  /** 1-based rank of the true source among the first n cases' venues; 0 if not ranked. */
  true_source_rank: number
  tier_rules_version: number
  tiers: TierRecall[]
  /** Each case's list cut at K by score. */
  ranked: RecallCurve
  /** The same cut of today's ring, unranked. */
  unranked: RecallCurve
  ranked_for_ring_recall: number
  ranked_share_of_ring: number
}

export interface ModeChange {
  area_code: string
  mode: Mode
  reason: string
  actor: string
  at: string
}

export interface Health {
  status: string
  version: string
  time: string
}

// ---- Mass testing (核酸检测): rounds, tubes, coverage, door lists, planning ----
// docs/mass-testing.md is the contract; times are RFC 3339 strings like everywhere.

/** Who a round tests: the areas' residents, or the open entries of one contact tier. */
export type RoundDue = 'residents' | 'close' | 'secondary' | 'exposed'
export const ROUND_DUES: readonly RoundDue[] = ['residents', 'close', 'secondary', 'exposed']

export interface TestRound {
  id: number
  name: string
  areas: string[]
  starts_on: string
  ends_on: string
  pool_size: number
  due: RoundDue
  status: 'open' | 'closed'
  due_count: number
  exempt_count: number
  created_by: string
  created_at: string
  closed_at: string | null
}

export interface NewRound {
  name: string
  areas: string[]
  starts_on: string
  ends_on: string
  pool_size: number
  due: RoundDue
}

/** Counts of one area node in a round (GET /rounds/{id}/coverage). */
export interface RoundCoverage {
  area_code: string
  name: string
  level: Level | string
  /** Residents due in the round. */
  due: number
  /** Of them, bedridden: sampled at home. */
  exempt: number
  /** Of the due, sampled (at a site or at home). */
  sampled: number
  /** Of the sampled, with a result. */
  resulted: number
  /** Due, not exempt, not yet sampled: the door-knocking list. */
  not_sampled: number
  /** Sampled but not due here (visitors, new residents). */
  extra: number
  positive_tubes: number
}

export interface RoundCoverageReport {
  node: RoundCoverage
  children: RoundCoverage[]
}

export interface RoundDay {
  date: string
  sampled: number
  resulted: number
}

export interface SiteLoad {
  site: string
  name: string
  /** lanes × per_hour × opening hours. */
  capacity_per_day: number
  sampled: number
  tubes: number
  open_tubes: number
}

export interface TubeCounts {
  total: number
  closed: number
  shipped: number
  resulted: number
  positive: number
}

/** GET /rounds/{id}: the round, the coverage of the caller's node, and its progress. */
export interface RoundProgress extends TestRound {
  coverage: RoundCoverage
  days: RoundDay[]
  sites: SiteLoad[]
  tubes: TubeCounts
}

export interface TestSite {
  id: number
  code: string
  name: string
  area_code: string
  address: string
  /** "08:00-20:00". */
  hours: string
  lanes: number
  per_hour: number
  staff: string[]
  created_at: string
}

export interface TestLab {
  id: number
  code: string
  name: string
  address: string
  capacity_per_day: number
  created_at: string
}

/** The state of a tube after a scan or a close. */
export interface TubeBrief {
  barcode: string
  members: number
  capacity: number
  closed: boolean
}

export interface SampleScan {
  site: string
  tube: string
  id_number?: string
  person_id?: number
  close?: boolean
}

export interface ScanReply {
  result: 'registered' | 'already'
  tube: TubeBrief
  resident_id: number
}

export type TubeResultValue = 'negative' | 'positive' | 'invalid'

export interface TubeMemberView {
  resident_id: number
  name: string
  /** Masked. */
  phone: string
  sampled_at: string
  unit_code: string
}

export interface TestFollowup {
  id: number
  round_id: number
  tube: string
  reason: 'positive' | 'invalid'
  resident_id: number
  /** Added by GET /followups (not in a tube's follow-ups). */
  name?: string
  phone?: string
  building_code: string
  unit_code: string
  status: 'open' | 'sampled' | 'closed'
  isolation: 'home' | 'lifted'
  retest_tube: string
  outcome: '' | 'negative' | 'positive'
  created_at: string
  updated_at: string
}

/** GET /tubes/{barcode}. */
export interface TubeDetail {
  barcode: string
  round_id: number
  site: string
  kind: 'pool' | 'single' | 'retest'
  capacity: number
  members: TubeMemberView[]
  opened_at: string
  closed_at: string | null
  box: string
  lab: string
  sent_at: string | null
  result: TubeResultValue | null
  ct: number | null
  resulted_at: string | null
  followups: TestFollowup[]
}

export interface DoorPerson {
  resident_id: number
  name: string
  /** Masked unless unmask=true was asked and allowed. */
  phone: string
  household_code: string
  /** Bedridden: sample at home (上门采样). */
  exempt: boolean
}

export interface DoorUnit {
  unit_code: string
  name: string
  people: DoorPerson[]
}

/** GET /rounds/{id}/door-list?area=CODE: who in a building has not been sampled. */
export interface DoorList {
  round_id: number
  area_code: string
  name: string
  not_sampled: number
  home_sampling: number
  units: DoorUnit[]
}

/** GET /plan: Dorfman's two-stage pooling for a prevalence. */
export interface TestingPlan {
  prevalence: number
  /** The best pool size (1: test everyone alone). */
  best_pool_size: number
  tests_per_person: number
  individual_wins: boolean
  /** E(k) for k = 1..max_pool. */
  curve: PlanCurvePoint[]
  lab_tests_per_day: number
  people_per_day: number
  population: number
  /** 0 without lab capacity. */
  days_for_city: number
}

export interface PlanCurvePoint {
  k: number
  tests_per_person: number
}

// ---- Lab results, shipments, a person's own results ----

/** One result (POST /testing/results); `ct` optional. */
export interface NewTubeResult {
  tube: string
  result: TubeResultValue
  ct?: number
  lab?: string
  at?: string
}

export interface LineError {
  /** The line of the file (1 = the first line, the CSV header included). */
  line: number
  /** The field it is about ('' for the whole line). */
  field: string
  message: string
}

/** What POST /testing/results and /results/bulk answer. */
export interface ResultReport {
  received: number
  applied: number
  already: number
  rejected: number
  /** Positive or invalid pools among the applied: their members go on retest. */
  positive_tubes: number
  /** Follow-ups created (one per member of those pools). */
  followups: number
  errors: LineError[]
}

/** POST /testing/shipments: closed tubes handed to a lab in a box (转运). */
export interface NewShipment {
  box: string
  lab: string
  tubes: string[]
  handed_over_at?: string
}

export interface ShipmentReply {
  box: string
  lab: string
  /** Tubes in the box. */
  tubes: number
}

/** One of a person's results, newest first (GET /testing/me, /testing/residents/{id}/results). */
export interface PersonResult {
  round_id: number
  round: string
  tube: string
  kind: 'pool' | 'single' | 'retest'
  sampled_at: string | null
  result: TubeResultValue | null
  resulted_at: string | null
}

export interface MyResults {
  resident_id: number
  items: PersonResult[]
}

// ------------------------------------------------- risk areas and health codes

/** Risk level of a community (风险等级). */
export type RiskLevel = 'low' | 'medium' | 'high'
export const RISK_LEVELS: readonly RiskLevel[] = ['high', 'medium', 'low']

/** A community as the command centre sees it (GET /risk-areas). */
export interface RiskArea {
  code: string
  name: string
  street_code: string
  street: string
  district: string
  /** Declared (low until declared otherwise). */
  level: RiskLevel
  since: string | null
  declared_by: string
  reason: string
  /** "" or the proposal the declaration went against. */
  overrides: '' | RiskLevel
  proposed: RiskLevel
  proposal_reason: string
  proposed_at: string | null
  /** The proposal differs from the declared level. */
  pending: boolean
  cases_in_window: number
  last_case_date: string
}

export interface RiskAreaList {
  items: RiskArea[]
  high: number
  medium: number
  pending: number
}

export interface RiskHistoryEntry {
  kind: 'proposed' | 'declared'
  level: RiskLevel
  from: RiskLevel
  reason: string
  by: string
  overrides: '' | RiskLevel
  at: string
}

export interface RiskAreaDetail extends RiskArea {
  history: RiskHistoryEntry[]
}

export interface RiskRules {
  case_days: number
  street_medium: boolean
}

export interface RiskRulesVersion {
  /** 0: the built-in defaults. */
  version: number
  rules: RiskRules
  changed_by: string
  changed_at: string | null
  reason: string
}

export interface RiskRulesDoc {
  current: RiskRulesVersion
  versions: RiskRulesVersion[]
}

/** One community of the public list (no personal data). */
export interface PublicRiskArea {
  code: string
  name: string
  street?: string
  district?: string
  since: string
}

/** GET /public/risk-areas: what the city publishes every day. */
export interface PublicRiskList {
  date: string
  updated_at: number
  high_count: number
  medium_count: number
  high: PublicRiskArea[]
  medium: PublicRiskArea[]
}

export type CodeColour = 'green' | 'yellow' | 'red'
export const CODE_COLOURS: readonly CodeColour[] = ['green', 'yellow', 'red']

export interface CodeReason {
  code: string
  colour: CodeColour
  /** The server's sentence, in Chinese. */
  text: string
  since: string | null
  until: string | null
}

/** A resident's colour with its reasons (GET /residents/{id}/healthcode). */
export interface CodeStatus {
  resident_id: number
  colour: CodeColour
  colour_zh: string
  since: string | null
  reasons: CodeReason[]
  rules_version: number
  evaluated_at: string
}

/** GET /healthcode/me: the own code with its signed payload and QR. */
export interface MyCode extends CodeStatus {
  payload: string
  kid: string
  issued_at: string
  expires_at: string
  expires_in_s: number
  qr_svg: string
}

export type ColourCounts = Record<CodeColour, number>

// ---------------------------------------------------------------- checkpoints

export type CheckpointKind = 'highway' | 'station' | 'airport' | 'compound_gate' | 'other'
export const CHECKPOINT_KINDS: readonly CheckpointKind[] = ['highway', 'station', 'airport', 'compound_gate', 'other']

export interface Checkpoint {
  code: string
  name: string
  kind: CheckpointKind
  area_code: string
  area_name: string
  staff: string[]
}

export type PassageDecision = 'pass' | 'deny' | 'test'

/** Why the verifier refused a scanned text (the reply's `refusal`; docs/health-codes.md). */
export type ScanRefusal =
  | 'bad_clock'
  | 'oversized'
  | 'malformed'
  | 'unknown_key'
  | 'bad_signature'
  | 'wrong_kind'
  | 'absurd_time'
  | 'retired_key'
  | 'not_yet_valid'
  | 'expired'

/** POST /checkpoints/{code}/scan: the decision, logged as a passage. */
export interface CheckpointScanReply {
  passage_id: number
  decision: PassageDecision
  /** The live colour decided on (null for a permit or a refused text). */
  colour: CodeColour | null
  /** The colour printed in the code (may be minutes old; null unless a verified health code). */
  colour_seen?: CodeColour | null
  /** Null when the text was refused before its kind was known (malformed, bad signature, unknown key). */
  kind: 'health_code' | 'permit' | null
  /** In Chinese, for the screen: the decision, or the refusal in words. */
  reason: string
  plate?: string | null
  expires_at?: string | null
  verified: boolean
  /** The verifier's refusal by name, null when the text verified. */
  refusal?: ScanRefusal | null
  /** The verifier's own words (English, for support), null when the text verified. */
  detail?: string | null
  /** When the passage was logged (Shanghai time, RFC 3339). */
  at?: string
}

export interface PassageCounts {
  pass: number
  deny: number
  test: number
  green: number
  yellow: number
  red: number
  permits: number
}

export interface PassageHour extends PassageCounts {
  hour: number
}

/** GET /checkpoints/{code}/stats?date=. */
export interface CheckpointStats {
  code?: string
  date?: string
  hours: PassageHour[]
  totals: PassageCounts
}

// ---------------------------------------------------------------- 12345 hotline

export type HotlineStatus = 'pending_dispatch' | 'dispatched' | 'accepted' | 'resolved' | 'closed' | 'merged'
export const HOTLINE_STATUSES: readonly HotlineStatus[] = ['pending_dispatch', 'dispatched', 'accepted', 'resolved', 'closed', 'merged']
export type HotlinePriority = 'urgent' | 'high' | 'normal'
export const HOTLINE_PRIORITIES: readonly HotlinePriority[] = ['urgent', 'high', 'normal']
/** A deadline's flag in `overdue` and `reminded`. */
export type DeadlineFlag = 'respond' | 'handle' | 'callback'
export type HotlineAction = 'accept' | 'return' | 'resolve' | 'dispatch' | 'reassign' | 'merge' | 'callback' | 'callback_failed' | 'reopen'

/** One of the classifier's suggestions (POST /hotline/classify; stored with a request). */
export interface CategorySuggestion {
  code: string
  name: string
  department: string
  department_name?: string
  /** 0–1 (softmax). */
  score: number
}

/** What POST /hotline/resolve-address answers: the registry place an address names. */
export interface AddressMatch {
  code: string | null
  path: string | null
  level: Level | null
  community_code: string | null
  /** 0–1; below the rules' address_confidence (0.6) the request goes to manual dispatch. */
  confidence: number
  fuzzy: boolean
  /** Server phrases: "resolved to 南关区…", "building 5 not found in …". */
  notes: string[]
}

export interface HotlineRequest {
  id: number
  /** 工单号, e.g. 20220310-1. */
  number: string
  channel: string
  caller_name: string
  phone: string
  enterprise: string | null
  text: string
  address_text: string
  area: { code: string | null; path: string; community_code: string | null; confidence: number; notes: string }
  category: string
  category_name: string
  suggestions: CategorySuggestion[]
  overridden: boolean
  department: string | null
  department_name: string | null
  priority: HotlinePriority
  green_channel: boolean
  wartime: boolean
  status: HotlineStatus
  received_at: string
  dispatched_at: string | null
  responded_at: string | null
  resolved_at: string | null
  closed_at: string | null
  respond_by: string | null
  handle_by: string | null
  callback_by: string | null
  overdue: DeadlineFlag[]
  reminded: DeadlineFlag[]
  /** 0 none, 1 overdue (the department's supervisor), 2 overdue twice over (the command centre). */
  escalation: number
  satisfaction: number | null
  solved: boolean | null
  reopen_count: number
  return_count: number
  callback_attempts: number
  urge_count: number
  merged_into: number | null
  group_id: number | null
  resolution: string | null
  callback_note: string | null
  created_by: string
  updated_at: string
}

export interface HotlineLogEntry {
  at: string
  actor: string
  action: string
  from: string
  to: string
  department: string | null
  note: string | null
}

export interface HotlineRequestDetail extends HotlineRequest {
  log: HotlineLogEntry[]
}

export interface NewHotlineRequest {
  text: string
  caller_name?: string
  phone?: string
  address?: string
  category?: string
  channel?: string
}

export interface HotlineActionBody {
  action: HotlineAction
  department?: string
  note?: string
  satisfaction?: number
  solved?: boolean
  into?: number
}

export interface HotlineTaxonomy {
  departments: { code: string; name: string; active: boolean }[]
  categories: { code: string; name: string; department: string; epidemic: boolean; active: boolean; leaf: boolean }[]
}

export type RateGroupBy = 'department' | 'district' | 'street' | 'community'
export const RATE_GROUPS: readonly RateGroupBy[] = ['department', 'district', 'street', 'community']

/** Counters and the three rates (null when nothing fell due / no callback yet). */
export interface RateCounts {
  received: number
  response_due: number
  responded_on_time: number
  called_back: number
  solved: number
  satisfied: number
  overdue: number
  response_rate: number | null
  resolution_rate: number | null
  satisfaction_rate: number | null
}

export interface RatesReport {
  from: string
  to: string
  whole_months: boolean
  rows: (RateCounts & { key: string | null })[]
  total: RateCounts
}

export interface RankingRow extends RateCounts {
  rank: number
  key: string
  name: string
  score: number
}

export interface Hotspot {
  community_code: string
  community_name: string
  path: string
  category: string
  category_name: string
  count: number
  baseline: number
  ratio: number
  first: string | null
  last: string | null
  request_ids: number[]
}

// ---------------------------------------------------------------- enterprises (复工复产、惠企政策)

/** Resumption (复工) of an enterprise: not filed, filing returned, held (high-risk area in wartime), filed, open. */
export type Resumption = 'not_filed' | 'returned' | 'held' | 'filed' | 'open'
export const RESUMPTIONS: readonly Resumption[] = ['not_filed', 'returned', 'held', 'filed', 'open']
export type EnterpriseSize = 'large' | 'medium' | 'small' | 'micro'
export const ENTERPRISE_SIZES: readonly EnterpriseSize[] = ['large', 'medium', 'small', 'micro']

export interface Enterprise {
  id: number
  uscc: string
  name: string
  /** GB/T 4754 section letter. */
  industry: string
  division: string
  size: EnterpriseSize
  above_scale: boolean
  key: boolean
  high_tech: boolean
  specialised: boolean
  district_code: string
  district_name: string
  area_code: string | null
  area_path: string
  address: string
  legal_rep: string
  contact_name: string
  /** Masked unless asked with unmask (or the enterprise's own). */
  contact_phone: string
  employees: number
  staff_back: number
  /** 万元. */
  revenue: number
  revenue_prev: number
  equipment_investment: number
  founded_on: string
  status: string
  resumption: Resumption
  liaison: string | null
  updated_at: string | null
}

export interface EnterpriseQuery {
  q?: string
  industry?: string
  size?: string
  district?: string
  resumption?: string
  above_scale?: boolean
  key?: boolean
  after?: number
  limit?: number
}

export interface EnterprisePage {
  items: Enterprise[]
  next_after: number | null
}

export interface FilingPlan {
  responsible?: string
  responsible_phone?: string
  measures?: string[]
  isolation_point?: boolean
  supply_days?: number
}

export interface Filing {
  id: number
  enterprise_id: number
  status: 'returned' | 'held' | 'filed' | 'superseded'
  plan: FilingPlan
  staff_before: number
  roster_count: number
  open_on: string
  /** "field: what is missing" (returned) or "held: why" (held). */
  reasons: string[]
  filed_by: string
  filed_at: string | null
  opened_at: string | null
}

export interface RosterEntry {
  name: string
  id_number: string
  phone?: string
}

export interface NewFiling {
  responsible: string
  responsible_phone: string
  measures: string[]
  isolation_point: boolean
  supply_days: number
  staff_before: number
  open_on: string
  roster: RosterEntry[]
}

export interface Employee {
  id: number
  name: string
  id_number: string
  phone: string
  resident_id: number | null
  status: string
  back: boolean
}

export interface DeclarationInput {
  employee_id: number
  temperature: number
  symptoms: string
  at_work: boolean
}

export interface DeclarationReply {
  declared: number
  staff_back: number
  /** Employee ids kept off work (37.3 °C or a symptom). */
  fever: number[]
}

export interface RateRow {
  key: string
  name: string
  enterprises: number
  filed: number
  opened: number
  above_scale: number
  above_scale_open: number
  staff_before: number
  staff_back: number
  /** 0–1. */
  resumption_rate: number
  filing_rate: number
  capacity_rate: number
  above_scale_rate: number
}

export type EntRateGroup = 'industry' | 'district' | 'size' | 'above_scale'

export interface EntRates {
  total: RateRow
  rows: RateRow[]
}

export interface RateHistoryRow extends RateRow {
  day: string
}

export type NeedKind = 'masks' | 'disinfectant' | 'test_kits' | 'raw_materials' | 'logistics_pass' | 'other'
export const NEED_KINDS: readonly NeedKind[] = ['masks', 'disinfectant', 'test_kits', 'raw_materials', 'logistics_pass', 'other']

export interface Need {
  id: number
  enterprise_id: number
  enterprise_name: string
  kind: NeedKind
  item: string
  quantity: number
  unit: string
  matched: number
  status: 'open' | 'matched' | 'fulfilled'
  needed_by: string
  created_at: string | null
}

export interface Liaison {
  enterprise_id: number
  enterprise_name: string
  username: string
  assigned_by: string
  assigned_at: string | null
  visits: number
  last_visit: string | null
  open_items: number
  overdue_items: number
}

export interface Visit {
  id: number
  username: string
  visited_at: string | null
  note: string
}

export interface EntItem {
  id: number
  enterprise_id: number
  enterprise_name: string
  title: string
  status: 'open' | 'done'
  due_at: string | null
  opened_by: string
  opened_at: string | null
  done_at: string | null
  note: string
  overdue: boolean
}

export interface Appeal {
  request_id: number
  number: string
  enterprise_id: number
  enterprise_name: string
  status: string
  category: string
  department: string
  text: string
  received_at: string | null
  dispatched_at: string | null
  responded_at: string | null
  resolved_at: string | null
  closed_at: string | null
  returns: number
  satisfaction: number
}

export type PolicyStatus = 'draft' | 'published' | 'retired'

export interface Policy {
  id: number
  code: string
  name: string
  package: string
  summary: string
  rule: string
  benefit: string
  /** 万元. */
  budget: number
  status: PolicyStatus
  created_by: string
  created_at: string | null
  updated_at: string | null
  published_at: string | null
  retired_at: string | null
}

export interface PolicyInput {
  code?: string
  name: string
  package: string
  summary: string
  rule: string
  benefit: string
  budget: number
}

export interface PolicyFact {
  name: string
  type: 'text' | 'bool' | 'number'
  meaning: string
}

export interface Breakdown {
  key: string
  name: string
  enterprises: number
  amount: number
}

export interface DryRun {
  enterprises: number
  considered: number
  amount: number
  budget: number
  over_budget: boolean
  by_industry: Breakdown[]
  by_district: Breakdown[]
  by_size: Breakdown[]
  sample: { id: number; name: string; industry: string; size: string; district_name: string; amount: number }[]
  match_ms: number
}

export interface PolicyTotals {
  policy_id: number
  code: string
  name: string
  status: PolicyStatus
  pushed: number
  confirmed: number
  declined: number
  disbursed: number
  revoked: number
  amount_pushed: number
  amount_disbursed: number
  budget: number
}

export interface PolicyTotalsReport {
  items: PolicyTotals[]
  amount_pushed: number
  amount_disbursed: number
  benefits: number
}

export interface VerdictTerm {
  condition: string
  holds: boolean
  /** The enterprise's own value, "revenue_drop is 8.3". */
  actual: string
}

export interface PolicyVerdict {
  policy_id: number
  policy_code: string
  policy_name: string
  qualifies: boolean
  amount: number
  terms: VerdictTerm[]
  benefit_status: BenefitStatus | null
}

export type BenefitStatus = 'pushed' | 'confirmed' | 'declined' | 'disbursed' | 'revoked'
export const BENEFIT_STATUSES: readonly BenefitStatus[] = ['pushed', 'confirmed', 'declined', 'disbursed', 'revoked']

export interface Benefit {
  policy_id: number
  policy_code: string
  policy_name: string
  enterprise_id: number
  enterprise_name: string
  amount: number
  status: BenefitStatus
  reference: string
  pushed_at: string | null
  decided_at: string | null
  disbursed_at: string | null
}

export interface VoucherBatch {
  id: number
  name: string
  face_value: number
  min_spend: number
  total: number
  issued: number
  redeemed: number
  spend: number
  value_redeemed: number
  leverage: number
  industries: string
  valid_from: string | null
  valid_to: string | null
}

export interface VoucherReport {
  items: VoucherBatch[]
  spend: number
  value_redeemed: number
  leverage: number
}

export interface NewVoucherBatch {
  name: string
  face_value: number
  min_spend: number
  total: number
  industries: string
  valid_from: string
  valid_to: string
}

// ---- Supplies to closed compounds (docs/livelihood.md) ----

export interface SupplyClosure {
  area_code: string
  name: string | null
  source: 'risk' | 'order'
  closed: boolean
  reason: string
  by: string
  since: string | null
}

export interface SupplyItem {
  item: string
  quantity: number
}

export interface DeliveryPoint {
  id: number
  kind: 'large' | 'small'
  name: string
  capacity_per_day: number
  area_code: string
  address: string
  active: boolean
  serves: string[]
  stock: SupplyItem[]
  created_at: string | null
}
/** POST /supplies/points. */
export interface NewDeliveryPoint {
  kind: 'large' | 'small'
  name: string
  capacity_per_day: number
  area_code: string
  address?: string
  serves: string[]
}
/** PATCH /supplies/points/{id}: only what changes (kind and area stay); active false retires it. */
export interface DeliveryPointPatch {
  name?: string
  address?: string
  capacity_per_day?: number
  serves?: string[]
  active?: boolean
}

export type SupplyOrderState = 'placed' | 'accepted' | 'packed' | 'out_for_delivery' | 'delivered' | 'failed'
export type SupplyAction = 'accept' | 'pack' | 'dispatch' | 'deliver' | 'fail'

export interface SupplyOrder {
  id: number
  kind: 'resident' | 'group'
  compound_code: string
  building_code: string
  household_code: string | null
  households: number
  contact: string
  items: SupplyItem[]
  point_id: number
  point_name: string
  day: string
  state: SupplyOrderState
  placed_at: string | null
  accepted_at: string | null
  packed_at: string | null
  out_at: string | null
  delivered_at: string | null
  failed_at: string | null
  deliverer: string | null
  drop_point: string | null
  photo: string | null
  reason: string | null
  created_by: string
}

export interface SupplyShortage {
  point_id: number
  point_name: string | null
  item: string
  demand: number
  stock: number
  shortfall: number
}

export interface SupplyDayTotals {
  point_id: number
  point_name: string
  kind: 'large' | 'small'
  capacity_per_day: number
  placed: number
  open: number
  delivered: number
  failed: number
  households: number
}

// The special-care roster (/api/v1/care; lib/care.ts).
export interface CareCaller {
  kind: 'worker' | 'grid_head' | 'nobody'
  user_id?: number
  username?: string
  resident_id?: number
  name?: string
  phone?: string
}

export interface CareNeed {
  kind: 'medicine' | 'food' | 'medical_visit' | 'other'
  note: string
}

export interface CareCall {
  at: string
  outcome: 'reached_ok' | 'reached_with_needs' | 'not_reached'
  needs: CareNeed[]
  note: string
}

export interface CareEntry {
  resident_id: number
  name: string
  phone: string
  kinds: ('severe_illness' | 'elderly_alone' | 'disability' | 'pregnancy')[]
  priority: number
  grid_code: string | null
  called_today: boolean
  misses_in_row: number
  last_call: CareCall | null
}

export interface CareList {
  caller: CareCaller
  total: number
  called_today: number
  entries: CareEntry[]
}

export interface CareTask {
  id: number
  call_id: number
  resident_id: number
  name: string
  kind: CareNeed['kind']
  detail: string
  state: 'open' | 'done'
  raised_by: string
  raised_at: string
  due_by: string
  closed_by: string | null
  closed_at: string | null
  close_note: string
}

export interface CareCallRecord extends CareCall {
  id: number
  resident_id: number
  name: string
  worker: string
  tasks: CareTask[]
}

export interface NewCareCall {
  resident_id: number
  outcome: CareCall['outcome']
  needs?: CareNeed[]
  note?: string
}

export interface CareEscalation {
  resident_id: number
  name: string
  phone: string
  grid_code: string | null
  reason: 'missed_in_row' | 'no_call_by_deadline'
  misses: number
  to: CareCaller
  caller: CareCaller
}

// ---- Hospitals (/api/v1/hospitals) ----
export type BedKind = 'ordinary' | 'severe' | 'icu'
export type BedCounts = Record<BedKind, number>
export type HospitalKind = 'designated' | 'fever_clinic' | 'both'
export const HOSPITAL_KINDS: readonly HospitalKind[] = ['designated', 'fever_clinic', 'both']
export interface Hospital {
  id: number
  name: string
  kind: HospitalKind
  admits_cases: boolean
  district_code: string
  beds: BedCounts
  occupied: BedCounts
  free: BedCounts
  awaiting_suggested: number
}
/** POST /hospitals: beds by kind (a kind left out is 0). */
export interface NewHospital {
  name: string
  kind: HospitalKind
  district_code: string
  beds: BedCounts
}
/** PATCH /hospitals/{id}: only what changes; beds of a kind left out keep their count. */
export interface HospitalPatch {
  name?: string
  kind?: HospitalKind
  beds?: Partial<BedCounts>
}
export interface AwaitingCase {
  case_id: number
  resident_id: number
  name: string
  case_kind: string
  district_code: string
  report_date: string
  suggested_hospital_id: number | null
  suggested_hospital_name: string | null
  since: string | null
}
export interface Admission {
  id: number
  case_id: number
  name: string
  hospital_id: number
  hospital_name: string
  bed_kind: BedKind
  admitted_at: string | null
  discharged_at: string | null
  outcome: string | null
}
export interface ForecastKindDay {
  admissions: number
  discharges: number
  occupancy: number
  shortfall: number
  beds: number
}
export interface BedForecastDay {
  day: number
  date: string
  new_cases: number
  kinds: Record<BedKind, ForecastKindDay>
}
export interface BedForecast {
  inputs: { awaiting_bed: number; kinds: Record<BedKind, { beds: number; occupied: number }> }
  days: BedForecastDay[]
}

// ---- Return home and relief (/api/v1/returns, /api/v1/reliefs; lib/livelihood.ts) ----
export interface ReturnApplication {
  id: number
  resident_id: number
  name: string
  origin_area: string
  destination: string
  phone: string
  state: import('../lib/livelihood').ReturnState
  since: string | null
  transport: { vehicle: string; pickup_point: string; escort: string; scheduled_at: string | null } | null
  reason: string | null
  received_by: string | null
  history: { state: string; at: string }[]
  created_by: string
  due_by?: string | null
}

export interface ReturnFlowDay {
  day: string
  stages: { stage: string; entered: number; left: number; queue: number; median_hours: number }[]
  bottleneck: string | null
}

export interface ReliefApplication {
  id: number
  resident_id: number
  name: string
  district_code: string
  state: import('../lib/livelihood').ReliefState
  eligible: boolean
  eligible_rule: string | null
  eligible_amount_fen: number
  amount_fen: number
  payment_ref: string | null
  reason: string | null
  applied_at: string | null
}

export interface ReliefTotals {
  district_code: string
  applications: number
  pending: number
  approved: number
  paid: number
  rejected: number
  approved_fen: number
  paid_fen: number
  unpaid_fen: number
}

// ---- Quarantine and transfer (隔离转运; docs/quarantine.md) ----
export type QuarantineState =
  | 'listed'
  | 'assigned'
  | 'pickup_scheduled'
  | 'picked_up'
  | 'checked_in'
  | 'released'
  | 'escalated'
  | 'hospitalised'
  | 'absconded'
  | 'refused'
  | 'cancelled'
export type QuarantineMode = 'undecided' | 'centralised' | 'home'
export type QuarantineAction =
  | 'assign'
  | 'schedule_pickup'
  | 'pick_up'
  | 'check_in'
  | 'health_check'
  | 'test_result'
  | 'release'
  | 'escalate'
  | 'hospitalise'
  | 'abscond'
  | 'refuse'
  | 'relist'
  | 'cancel'
export interface QuarantineSite {
  id: number
  name: string
  kind: string
  district_code: string
  address: string
  phone: string
  lon: number | null
  lat: number | null
  open: boolean
  capacity: number
  effective_capacity: number
  staff: string[]
  rooms: number
  beds: number
  booked: number
  checked_in: number
  free_rooms: number
}
/** A site's room (GET /quarantine/sites/{id}/rooms); occupants: quarantine person ids booked in it. */
export interface QuarantineRoom {
  id: number
  site_id: number
  number: string
  beds: number
  accessible: boolean
  in_service: boolean
  occupants: number[]
}
/** A room to add: beds 1–4. */
export interface NewQuarantineRoom {
  number: string
  beds: number
  accessible: boolean
}
export type QuarantineSiteKind = 'hotel' | 'other'
/** POST /quarantine/sites; capacity 0 means its beds. */
export interface NewQuarantineSite {
  name: string
  kind: QuarantineSiteKind
  district_code: string
  address?: string
  phone?: string
  capacity?: number
  staff?: string[]
  rooms?: NewQuarantineRoom[]
}
/** PATCH /quarantine/sites/{id}: only what changes (kind and district stay). */
export interface QuarantineSitePatch {
  name?: string
  address?: string
  phone?: string
  open?: boolean
  capacity?: number
  staff?: string[]
}
export interface QuarantineCheck {
  at: string
  temperature_c: number
  symptoms: string
}
export interface QuarantineTest {
  sampled_at: string
  outcome: 'negative' | 'positive' | 'pending'
}
export interface QuarantinePerson {
  id: number
  contact_id: number | null
  resident_id: number
  name: string
  phone: string
  id_number: string
  household_code: string
  district_code: string
  tier: 'close' | 'secondary'
  state: QuarantineState
  since: string | null
  mode: QuarantineMode
  site_id: number | null
  site_name: string | null
  room_id: number | null
  room_number: string | null
  vehicle: string | null
  pickup_at: string | null
  picked_up_at: string | null
  quarantine_start: string | null
  quarantine_end: string | null
  certificate: string | null
  reason: string | null
  hospital: string | null
  reassign_count: number
  relist_count: number
  // One person read alone (GET /people/{id}, /me/quarantine, an action's answer).
  checks?: QuarantineCheck[]
  tests?: QuarantineTest[]
  release?: { allowed: boolean; reasons: string[] }
}
export interface QuarantineCheckItem {
  person_id: number
  site_id: number | null
  tier: 'close' | 'secondary'
  mode: QuarantineMode
  day: number
  check_due: boolean
  test_due: boolean
  test_day: number | null
  last_check_at: string | null
}
export interface QuarantineStuck {
  person_id: number
  site_id: number | null
  state: QuarantineState
  since: string | null
  due: string | null
  late_minutes: number
}
export interface QuarantineSummary {
  states: Record<QuarantineState, number>
  home: number
  centralised: number
  pipeline: { close: number[]; secondary: number[] }
}
export interface QuarantineAssignResult {
  written: boolean
  placed: { person_id: number; site_id: number; room_id: number }[]
  unplaced: { person_id: number; reason: string; message: string }[]
}
export interface QuarantineActionBody {
  home?: boolean
  site_id?: number
  room_id?: number
  vehicle?: string
  pickup_at?: string
  temperature_c?: number
  symptoms?: string
  sampled_at?: string
  outcome?: 'negative' | 'positive'
  certificate?: string
  hospital?: string
  note?: string
}
