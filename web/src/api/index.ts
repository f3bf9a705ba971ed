// The console's API client (one per tab) and one function per endpoint it uses.
import { ApiClient, type Download } from './client'
import type {
  Area,
  AreaDetail,
  CareTag,
  CoverageReport,
  DuplicatePair,
  LoginResponse,
  MapCollection,
  Me,
  Page,
  Resident,
  ResidentDetail,
} from './types'

export const client = new ApiClient({
  storage: typeof sessionStorage === 'undefined' ? undefined : sessionStorage,
})

const V1 = '/api/v1'
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
