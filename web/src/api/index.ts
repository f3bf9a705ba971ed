// The console's API client (one per tab) and one function per endpoint it uses.
import { ApiClient, type Download } from './client'
import type {
  QuarantineAction,
  QuarantineActionBody,
  QuarantineAssignResult,
  QuarantineCheckItem,
  QuarantinePerson,
  QuarantineSite,
  QuarantineSitePatch,
  QuarantineRoom,
  NewQuarantineRoom,
  NewQuarantineSite,
  QuarantineState,
  QuarantineStuck,
  QuarantineSummary,
  CareCallRecord,
  CareEscalation,
  CareList,
  CareTask,
  NewCareCall,
  Appeal,
  Benefit,
  DeclarationInput,
  DeclarationReply,
  DryRun,
  Employee,
  EntItem,
  EntRateGroup,
  EntRates,
  Enterprise,
  EnterprisePage,
  EnterpriseQuery,
  Filing,
  Liaison,
  Need,
  NewFiling,
  NewVoucherBatch,
  Policy,
  PolicyFact,
  PolicyInput,
  PolicyTotals,
  PolicyTotalsReport,
  PolicyVerdict,
  RateHistoryRow,
  Visit,
  VoucherBatch,
  VoucherReport,
  Area,
  AreaDetail,
  CareTag,
  Case,
  CaseKind,
  Chain,
  Contact,
  ContactDetail,
  ContactStatus,
  CoverageReport,
  DuplicatePair,
  EpidemicSummary,
  Health,
  LoginResponse,
  MapCollection,
  Me,
  Mode,
  ModeChange,
  Page,
  NewCase,
  Resident,
  ResidentDetail,
  BulkStatusReply,
  Evaluation,
  Tier,
  TierRules,
  TierRulesChange,
  SourceRanking,
  TraceRequest,
  TraceRun,
  Venue,
  VisitorsReport,
  DoorList,
  NewRound,
  RoundCoverageReport,
  RoundProgress,
  SampleScan,
  ScanReply,
  TestRound,
  TestSite,
  TestingPlan,
  TestLab,
  TubeBrief,
  TubeDetail,
  MyResults,
  NewShipment,
  NewTubeResult,
  ResultReport,
  ShipmentReply,
  Checkpoint,
  CheckpointScanReply,
  CheckpointStats,
  CodeStatus,
  ColourCounts,
  MyCode,
  PublicRiskList,
  RiskAreaDetail,
  RiskAreaList,
  RiskArea,
  RiskLevel,
  RiskRules,
  RiskRulesDoc,
  RiskRulesVersion,
  AddressMatch,
  CategorySuggestion,
  Hotspot,
  HotlineActionBody,
  HotlineRequest,
  HotlineRequestDetail,
  HotlineStatus,
  HotlineTaxonomy,
  NewHotlineRequest,
  RankingRow,
  RateGroupBy,
  RatesReport,
  DeliveryPoint,
  DeliveryPointPatch,
  NewDeliveryPoint,
  SupplyAction,
  SupplyItem,
  SupplyClosure,
  SupplyDayTotals,
  SupplyOrder,
  SupplyOrderState,
  SupplyShortage,
  Admission,
  AwaitingCase,
  BedForecast,
  BedKind,
  Hospital,
  HospitalPatch,
  NewHospital,
  ReliefApplication,
  ReliefTotals,
  ReturnApplication,
  ReturnFlowDay,
} from './types'

export const client = new ApiClient({
  storage: typeof sessionStorage === 'undefined' ? undefined : sessionStorage,
})

const V1 = '/api/v1'
const T = `${V1}/testing`
const H = `${V1}/hotline`
const enc = encodeURIComponent

export const api = {
  login: (username: string, password: string) =>
    client.request<LoginResponse>('POST', `${V1}/auth/login`, { body: { username, password }, auth: false }),
  logout: () => client.post<void>(`${V1}/auth/logout`),
  me: () => client.get<Me>(`${V1}/auth/me`),

  ownAreas: () => client.get<{ items: Area[] }>(`${V1}/areas`),
  children: (parent: string) => client.get<{ items: Area[] }>(`${V1}/areas`, { parent, limit: 1000 }),
  searchAreas: (q: string) => client.get<{ items: Area[] }>(`${V1}/areas`, { q, limit: 20 }),
  area: (code: string) => client.get<AreaDetail>(`${V1}/areas/${enc(code)}`),
  areaMap: (code: string) => client.get<MapCollection>(`${V1}/areas/${enc(code)}/map`),
  setMode: (code: string, mode: Mode, reason: string) =>
    client.request<Area>('PUT', `${V1}/areas/${enc(code)}/mode`, { body: { mode, reason } }),
  modeHistory: (code: string) => client.get<{ items: ModeChange[] }>(`${V1}/areas/${enc(code)}/mode-history`),
  health: () => client.request<Health>('GET', `${V1}/health`, { auth: false }),

  epidemic: (area: string) => client.get<EpidemicSummary>(`${V1}/epidemic/summary`, { area }),

  residents: (q: ResidentQuery) => client.get<Page<Resident>>(`${V1}/residents`, { ...q }),
  resident: (id: number, unmask = false) =>
    client.get<ResidentDetail>(`${V1}/residents/${id}`, { unmask: unmask || undefined }),
  exportResidents: (q: ResidentQuery, format: 'csv' | 'xlsx'): Promise<Download> =>
    client.download(`${V1}/residents`, { ...q, after: undefined, limit: undefined, format }, `residents.${format}`),
  duplicates: (area: string) => client.get<{ items: DuplicatePair[] }>(`${V1}/residents/duplicates`, { area }),
  merge: (keep_id: number, merge_id: number) => client.post<Resident>(`${V1}/residents/merge`, { keep_id, merge_id }),

  coverage: (area: string, limit = 500) => client.get<CoverageReport>(`${V1}/coverage`, { area, limit }),
  exportCoverage: (area: string, format: 'csv' | 'xlsx'): Promise<Download> =>
    client.download(`${V1}/coverage`, { area, format }, `coverage-${area}.${format}`),

  cases: (q: CaseQuery) => client.get<Page<Case>>(`${V1}/cases`, { ...q }),
  exportCases: (q: CaseQuery, format: 'csv' | 'xlsx'): Promise<Download> =>
    client.download(`${V1}/cases`, { ...q, after: undefined, limit: undefined, format }, `cases.${format}`),
  case: (id: number) => client.get<Case>(`${V1}/cases/${id}`),
  createCase: (c: NewCase) => client.post<Case>(`${V1}/cases`, c),
  chain: (id: number) => client.get<Chain>(`${V1}/cases/${id}/chain`),

  trace: (r: TraceRequest) => client.post<TraceRun>(`${V1}/tracing/runs`, r),
  sources: (first: number, top: number) => client.get<SourceRanking>(`${V1}/tracing/sources`, { first, top }),
  tierRules: () => client.get<TierRules>(`${V1}/tracing/tier-rules`),
  tierRulesHistory: () => client.get<{ items: TierRules[] }>(`${V1}/tracing/tier-rules/history`),
  setTierRules: (change: TierRulesChange) => client.request<TierRules>('PUT', `${V1}/tracing/tier-rules`, { body: change }),
  /** 404 when the store holds no generated outbreak. */
  evaluation: (n: readonly number[]) => client.get<{ items: Evaluation[] }>(`${V1}/tracing/evaluation`, { n: n.join(',') }),

  contacts: (q: ContactQuery) => client.get<Page<Contact>>(`${V1}/contacts`, { ...q }),
  exportContacts: (q: ContactQuery, format: 'csv' | 'xlsx'): Promise<Download> =>
    client.download(`${V1}/contacts`, { ...q, after: undefined, limit: undefined, format }, `contacts.${format}`),
  contact: (id: number) => client.get<ContactDetail>(`${V1}/contacts/${id}`),
  setContactStatus: (id: number, status: ContactStatus, officer: string, note?: string) =>
    client.post<Contact>(`${V1}/contacts/${id}/status`, { status, officer, note: note || undefined }),
  /** Many contacts at once (≤ 1000 ids); each id answers on its own. */
  setContactStatuses: (ids: readonly number[], status: ContactStatus, officer: string, note?: string) =>
    client.post<BulkStatusReply>(`${V1}/contacts/status`, { ids, status, officer, note: note || undefined }),

  venues: (q: { area?: string; kind?: string; q?: string; limit?: number }) => client.get<Page<Venue>>(`${V1}/venues`, { ...q }),
  visitors: (code: string, q: VisitorsQuery) => client.get<VisitorsReport>(`${V1}/venues/${enc(code)}/visitors`, { ...q }),
  exportVisitors: (code: string, q: VisitorsQuery, format: 'csv' | 'xlsx'): Promise<Download> =>
    client.download(`${V1}/venues/${enc(code)}/visitors`, { ...q, after: undefined, limit: undefined, format }, `visitors-${code}.${format}`),

  // Mass testing (docs/mass-testing.md).
  plan: (q: PlanQuery) => client.get<TestingPlan>(`${T}/plan`, { ...q }),
  testSites: () => client.get<{ items: TestSite[] }>(`${T}/sites`),
  rounds: () => client.get<{ items: TestRound[] }>(`${T}/rounds`),
  createRound: (r: NewRound) => client.post<TestRound>(`${T}/rounds`, r),
  round: (id: number) => client.get<RoundProgress>(`${T}/rounds/${id}`),
  closeRound: (id: number) => client.post<TestRound>(`${T}/rounds/${id}/close`),
  roundCoverage: (id: number, area?: string) => client.get<RoundCoverageReport>(`${T}/rounds/${id}/coverage`, { area }),
  doorList: (id: number, area: string) => client.get<DoorList>(`${T}/rounds/${id}/door-list`, { area }),
  exportDoorList: (id: number, area: string, format: 'csv' | 'xlsx' = 'csv'): Promise<Download> =>
    client.download(`${T}/rounds/${id}/door-list`, { area, format }, `door-list-${area}.${format}`),
  scan: (round: number, s: SampleScan) => client.post<ScanReply>(`${T}/rounds/${round}/samples`, s),
  closeTube: (barcode: string) => client.post<TubeBrief>(`${T}/tubes/${enc(barcode)}/close`),
  tube: (barcode: string) => client.get<TubeDetail>(`${T}/tubes/${enc(barcode)}`),
  labs: () => client.get<{ items: TestLab[] }>(`${T}/labs`),
  ship: (s: NewShipment) => client.post<ShipmentReply>(`${T}/shipments`, s),
  reportResult: (r: NewTubeResult) => client.post<ResultReport>(`${T}/results`, r),
  /** A lab's file as it is: CSV (text/csv) or NDJSON (application/x-ndjson). */
  reportResults: (text: string, contentType: string) =>
    client.request<ResultReport>('POST', `${T}/results/bulk`, { raw: { body: text, contentType } }),
  myResults: () => client.get<MyResults>(`${T}/me`),

  // Risk areas and health codes (docs/health-codes.md).
  riskAreas: (under?: string) => client.get<RiskAreaList>(`${V1}/risk-areas`, { under }),
  riskArea: (code: string) => client.get<RiskAreaDetail>(`${V1}/risk-areas/${enc(code)}`),
  declareRisk: (codes: readonly string[], level: RiskLevel, reason: string) =>
    client.post<{ items: RiskArea[] }>(`${V1}/risk-areas/declare`, { codes, level, reason }),
  riskRules: () => client.get<RiskRulesDoc>(`${V1}/risk-areas/rules`),
  setRiskRules: (rules: RiskRules, reason: string) =>
    client.request<RiskRulesVersion>('PUT', `${V1}/risk-areas/rules`, { body: { rules, reason } }),
  /** No login: what the city publishes every day. */
  publicRisk: () => client.request<PublicRiskList>('GET', `${V1}/public/risk-areas`, { auth: false }),
  myCode: () => client.get<MyCode>(`${V1}/healthcode/me`),
  residentCode: (id: number) => client.get<CodeStatus>(`${V1}/residents/${id}/healthcode`),
  colourCounts: (under?: string) => client.get<ColourCounts>(`${V1}/healthcode/counts`, { under }),

  // Checkpoints (卡口).
  checkpoints: () => client.get<{ items: Checkpoint[] }>(`${V1}/checkpoints`),
  checkpointScan: (code: string, payload: string) =>
    client.post<CheckpointScanReply>(`${V1}/checkpoints/${enc(code)}/scan`, { payload }),
  checkpointStats: (code: string, date: string) =>
    client.get<CheckpointStats>(`${V1}/checkpoints/${enc(code)}/stats`, { date }),

  // The 12345 hotline (docs/hotline.md).
  classify: (text: string) => client.post<{ suggestions: CategorySuggestion[] }>(`${H}/classify`, { text }),
  resolveAddress: (address: string) => client.post<AddressMatch>(`${H}/resolve-address`, { address }),
  fileRequest: (r: NewHotlineRequest) => client.post<HotlineRequest>(`${H}/requests`, r),
  hotlineRequests: (q: HotlineQuery) => client.get<Page<HotlineRequest>>(`${H}/requests`, { ...q }),
  hotlineRequest: (id: number) => client.get<HotlineRequestDetail>(`${H}/requests/${id}`),
  hotlineAct: (id: number, body: HotlineActionBody) => client.post<HotlineRequest>(`${H}/requests/${id}/actions`, body),
  hotlineTaxonomy: () => client.get<HotlineTaxonomy>(`${H}/taxonomy`),
  hotlineRates: (q: { from?: string; to?: string; group_by?: RateGroupBy }) => client.get<RatesReport>(`${H}/rates`, { ...q }),
  hotlineRankings: (month: string, group_by: RateGroupBy) =>
    client.get<{ month: string; items: RankingRow[] }>(`${H}/rankings`, { month, group_by }),
  hotspots: () => client.get<{ items: Hotspot[] }>(`${H}/hotspots`),

  // The special-care roster (docs/livelihood.md): a grid worker's list is only their own.
  careLists: (unmask = false) =>
    client.get<{ date: string; items: CareList[] }>(`${V1}/care/lists`, { unmask: unmask ? 'true' : undefined }),
  recordCareCall: (c: NewCareCall) => client.post<CareCallRecord>(`${V1}/care/calls`, c),
  careTasks: (state: 'open' | 'done') => client.get<{ items: CareTask[] }>(`${V1}/care/tasks`, { state }),
  closeCareTask: (id: number, note: string) => client.post<CareTask>(`${V1}/care/tasks/${id}/close`, { note }),
  careEscalations: () => client.get<{ items: CareEscalation[] }>(`${V1}/care/escalations`),

  // Return home and relief (docs/livelihood.md).
  returns: (state?: string) => client.get<{ items: ReturnApplication[] }>(`${V1}/returns`, { state, limit: 500 }),
  returnsOpenLoop: () => client.get<{ items: ReturnApplication[] }>(`${V1}/returns/open-loop`),
  returnsFlow: (from: string, to: string) => client.get<{ items: ReturnFlowDay[] }>(`${V1}/returns/flow`, { from, to }),
  actOnReturn: (id: number, body: Record<string, string>) =>
    client.post<ReturnApplication>(`${V1}/returns/${id}/actions`, body),
  reliefs: (state?: string) => client.get<{ items: ReliefApplication[] }>(`${V1}/reliefs`, { state, limit: 500 }),
  reliefTotals: () => client.get<{ items: ReliefTotals[] }>(`${V1}/reliefs/totals`),
  actOnRelief: (id: number, body: Record<string, string>) =>
    client.post<ReliefApplication>(`${V1}/reliefs/${id}/actions`, body),
}

export interface HotlineQuery {
  /** A state, or 'open' (every state but closed and merged). */
  status?: HotlineStatus | 'open' | ''
  category?: string
  department?: string
  overdue?: boolean
  /** 'newest': newest first (then `after` pages towards older ones). */
  order?: 'newest' | 'oldest'
  after?: number
  limit?: number
}

export interface PlanQuery {
  /** 0–1. */
  prevalence: number
  max_pool?: number
  /** Lab tests a day; the server's labs' total when left out. */
  capacity?: number
  population?: number
}

export interface CaseQuery {
  kind?: CaseKind | ''
  after?: number
  limit?: number
}

export interface ContactQuery {
  tier?: Tier | ''
  status?: ContactStatus | ''
  case?: number
  run?: number
  removed?: boolean
  after?: number
  limit?: number
}

export interface VisitorsQuery {
  /** "YYYY-MM-DD HH:MM" in China time, or RFC 3339. */
  from: string
  to?: string
  after?: number
  limit?: number
}

export interface ResidentQuery {
  area: string
  name?: string
  id_number?: string
  phone?: string
  tag?: readonly CareTag[]
  after?: number
  limit?: number
  unmask?: boolean
}

// Enterprises back to work, policies, vouchers (docs/enterprises.md).
const E = `${V1}/enterprises`

export const entApi = {
  enterprises: (q: EnterpriseQuery) => client.get<EnterprisePage>(E, { ...q }),
  enterprise: (id: number) => client.get<Enterprise>(`${E}/${id}`),
  myEnterprise: () => client.get<Enterprise>(`${E}/me`),
  filings: (id: number) => client.get<{ items: Filing[] }>(`${E}/${id}/filings`),
  file: (id: number, f: NewFiling) => client.post<Filing>(`${E}/${id}/filings`, f),
  open: (id: number) => client.post<Enterprise>(`${E}/${id}/open`),
  roster: (id: number) => client.get<{ items: Employee[] }>(`${E}/${id}/roster`),
  declare: (id: number, declarations: DeclarationInput[], day?: string) =>
    client.post<DeclarationReply>(`${E}/${id}/declarations`, { day, declarations }),
  rates: (q: { group_by: EntRateGroup; industry?: string; district?: string }) => client.get<EntRates>(`${V1}/enterprise-rates`, { ...q }),
  rateHistory: (q: { dim: 'city' | 'industry' | 'district' | 'size'; key?: string; from?: string; to?: string }) =>
    client.get<{ items: RateHistoryRow[] }>(`${V1}/enterprise-rates/history`, { ...q }),
  declareNeed: (id: number, n: { kind: string; item: string; quantity: number; unit?: string; needed_by?: string }) =>
    client.post<Need>(`${E}/${id}/needs`, n),
  needs: (status?: string) => client.get<{ items: Need[] }>(`${V1}/enterprise-needs`, { status }),
  liaisons: (mine: boolean) => client.get<{ items: Liaison[] }>(`${V1}/liaisons`, { mine: mine || undefined }),
  visits: (id: number) => client.get<{ items: Visit[] }>(`${E}/${id}/visits`),
  logVisit: (id: number, note: string) => client.post<Visit>(`${E}/${id}/visits`, { note }),
  items: (q: { open?: boolean; mine?: boolean; enterprise?: number }) => client.get<{ items: EntItem[] }>(`${V1}/enterprise-items`, { ...q }),
  openItem: (id: number, title: string, due_at: string) => client.post<EntItem>(`${E}/${id}/items`, { title, due_at }),
  closeItem: (itemId: number, note: string) => client.post<EntItem>(`${V1}/enterprise-items/${itemId}/close`, { note }),
  fileAppeal: (id: number, text: string) => client.post<Appeal>(`${E}/${id}/appeals`, { text }),
  appeals: (limit = 200, enterprise?: number) =>
    client.get<{ items: Appeal[] }>(`${V1}/enterprise-appeals`, { limit, enterprise }),
  facts: () => client.get<{ items: PolicyFact[] }>(`${V1}/policies/facts`),
  policies: (status?: string) => client.get<{ items: Policy[] }>(`${V1}/policies`, { status }),
  createPolicy: (p: PolicyInput) => client.post<Policy>(`${V1}/policies`, p),
  updatePolicy: (id: number, p: PolicyInput) => client.request<Policy>('PUT', `${V1}/policies/${id}`, { body: p }),
  dryRun: (rule: string, benefit: string, budget: number) => client.post<DryRun>(`${V1}/policies/dry-run`, { rule, benefit, budget }),
  publish: (id: number) => client.post<PolicyTotals>(`${V1}/policies/${id}/publish`),
  retire: (id: number, reason: string) => client.post<Policy>(`${V1}/policies/${id}/retire`, { reason }),
  totals: () => client.get<PolicyTotalsReport>(`${V1}/policy-totals`),
  explain: (id: number) => client.get<{ items: PolicyVerdict[] }>(`${E}/${id}/policies`),
  benefits: (q: { policy?: number; status?: string; limit?: number }) => client.get<{ items: Benefit[] }>(`${V1}/benefits`, { ...q }),
  actOnBenefit: (policy: number, enterprise: number, action: 'confirm' | 'decline' | 'disburse', reference?: string) =>
    client.post<Benefit>(`${V1}/benefits/${policy}/${enterprise}/${action}`, reference ? { reference } : undefined),
  vouchers: () => client.get<VoucherReport>(`${V1}/voucher-batches`),
  createBatch: (b: NewVoucherBatch) => client.post<VoucherBatch>(`${V1}/voucher-batches`, b),
}

// Supplies to closed compounds (docs/livelihood.md).
const S = `${V1}/supplies`

export interface SupplyOrderQuery {
  state?: SupplyOrderState
  building_code?: string
  point_id?: number
  deliverer?: string
  day?: string
  limit?: number
}

export const suppliesApi = {
  closures: () => client.get<{ items: SupplyClosure[] }>(`${S}/closures`),
  close: (area_code: string, reason: string) => client.post<SupplyClosure>(`${S}/closures`, { area_code, reason }),
  reopen: (code: string, reason: string) => client.post<SupplyClosure>(`${S}/closures/${enc(code)}/open`, { reason }),
  points: () => client.get<{ items: DeliveryPoint[] }>(`${S}/points`),
  createPoint: (p: NewDeliveryPoint) => client.post<DeliveryPoint>(`${S}/points`, p),
  updatePoint: (id: number, patch: DeliveryPointPatch) => client.request<DeliveryPoint>('PATCH', `${S}/points/${id}`, { body: patch }),
  /** Absolute quantities of the named items; items not named keep theirs. */
  setStock: (id: number, items: SupplyItem[]) => client.request<DeliveryPoint>('PUT', `${S}/points/${id}/stock`, { body: { items } }),
  orders: (q: SupplyOrderQuery) => client.get<{ items: SupplyOrder[] }>(`${S}/orders`, { ...q }),
  act: (id: number, action: SupplyAction, body: { deliverer?: string; drop_point?: string; photo?: string; reason?: string } = {}) =>
    client.post<SupplyOrder>(`${S}/orders/${id}/actions`, { action, ...body }),
  shortages: () => client.get<{ items: SupplyShortage[] }>(`${S}/shortages`),
  totals: (day?: string) => client.get<{ day: string; items: SupplyDayTotals[] }>(`${S}/totals`, { day }),
}

/** Hospitals and fever clinics (medical.read / medical.write). */
export const hospApi = {
  hospitals: () => client.get<{ items: Hospital[] }>(`${V1}/hospitals`),
  awaiting: () => client.get<{ items: AwaitingCase[] }>(`${V1}/hospitals/awaiting`),
  createHospital: (h: NewHospital) => client.post<Hospital>(`${V1}/hospitals`, h),
  updateHospital: (id: number, patch: HospitalPatch) => client.request<Hospital>('PATCH', `${V1}/hospitals/${id}`, { body: patch }),
  forecast: (days: number) => client.get<BedForecast>(`${V1}/hospitals/forecast`, { days }),
  admit: (caseId: number, hospitalId?: number, bedKind: BedKind = 'ordinary') =>
    client.post<Admission>(`${V1}/hospitals/admissions`, { case_id: caseId, hospital_id: hospitalId, bed_kind: bedKind }),
}

// Quarantine and transfer (docs/quarantine.md): quarantine.read / write / care, a
// resident's own page quarantine.self. A site_staff account sees its sites' guests only.
const Q = `${V1}/quarantine`

export interface QuarantinePeopleQuery {
  state?: QuarantineState
  tier?: 'close' | 'secondary'
  site_id?: number
  limit?: number
}

export const quarantineApi = {
  sites: () => client.get<{ items: QuarantineSite[] }>(`${Q}/sites`),
  createSite: (site: NewQuarantineSite) => client.post<QuarantineSite>(`${Q}/sites`, site),
  updateSite: (id: number, patch: QuarantineSitePatch) => client.request<QuarantineSite>('PATCH', `${Q}/sites/${id}`, { body: patch }),
  rooms: (siteId: number) => client.get<{ items: QuarantineRoom[] }>(`${Q}/sites/${siteId}/rooms`),
  /** Answers all the site's rooms after the addition. */
  addRooms: (siteId: number, rooms: NewQuarantineRoom[]) => client.post<{ items: QuarantineRoom[] }>(`${Q}/sites/${siteId}/rooms`, { rooms }),
  setRoomInService: (siteId: number, roomId: number, inService: boolean) =>
    client.request<QuarantineRoom>('PATCH', `${Q}/sites/${siteId}/rooms/${roomId}`, { body: { in_service: inService } }),
  people: (q: QuarantinePeopleQuery = {}) => client.get<{ items: QuarantinePerson[] }>(`${Q}/people`, { ...q }),
  person: (id: number) => client.get<QuarantinePerson>(`${Q}/people/${id}`),
  act: (id: number, action: QuarantineAction, body: QuarantineActionBody = {}) =>
    client.post<QuarantinePerson>(`${Q}/people/${id}/actions`, { action, ...body }),
  checkList: (siteId?: number) => client.get<{ items: QuarantineCheckItem[] }>(`${Q}/check-list`, { site_id: siteId }),
  openLoop: () => client.get<{ items: QuarantineStuck[] }>(`${Q}/open-loop`),
  transfers: () => client.get<{ items: QuarantinePerson[] }>(`${Q}/transfers`),
  summary: () => client.get<QuarantineSummary>(`${Q}/summary`),
  assign: (dryRun: boolean) => client.post<QuarantineAssignResult>(`${Q}/assign`, { dry_run: dryRun }),
  mine: () => client.get<QuarantinePerson>(`${V1}/me/quarantine`),
  selfCheck: (temperature_c: number, symptoms: string) =>
    client.post<QuarantinePerson>(`${V1}/me/quarantine/checks`, { temperature_c, symptoms }),
}
