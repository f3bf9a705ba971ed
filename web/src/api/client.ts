// The one way the console talks to tongchou: JSON over fetch with the bearer token.
//
// The token lives in sessionStorage (gone when the tab closes, never in localStorage or
// a cookie). A 401 on an authenticated call — or a token already past its expiry —
// clears the session and calls `onUnauthorized`, which sends the user back to the login
// page with a "session expired" message. Errors arrive as RFC 9457 problem+json and
// are thrown as `ApiError`.

export interface FieldError {
  field: string
  message: string
}

export class ApiError extends Error {
  readonly status: number
  readonly title: string
  readonly detail: string
  readonly errors: FieldError[]
  readonly requestId: string

  constructor(status: number, problem: Partial<{ title: string; detail: string; errors: FieldError[]; request_id: string }>) {
    super(problem.detail || problem.title || `HTTP ${status}`)
    this.name = 'ApiError'
    this.status = status
    this.title = problem.title ?? ''
    this.detail = problem.detail ?? ''
    this.errors = Array.isArray(problem.errors) ? problem.errors : []
    this.requestId = problem.request_id ?? ''
  }
}

/** Thrown when the server cannot be reached at all (status 0). */
export class NetworkError extends ApiError {
  constructor(cause: unknown) {
    super(0, { detail: cause instanceof Error ? cause.message : String(cause) })
    this.name = 'NetworkError'
  }
}

export type QueryValue = string | number | boolean | null | undefined | readonly string[]
export type Query = Record<string, QueryValue>

export interface StoredSession {
  token: string
  /** Unix milliseconds. */
  expiresAt: number
}

export interface ClientOptions {
  base?: string
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>
  fetch?: typeof fetch
  now?: () => number
}

export interface Download {
  blob: Blob
  filename: string
}

export interface SendOptions {
  query?: Query
  body?: unknown
  raw?: { body: string; contentType: string }
  auth?: boolean
}

const SESSION_KEY = 'tongchou.session'

/** Builds `path?k=v&…`, leaving out empty values and joining arrays with commas. */
export function withQuery(path: string, query?: Query): string {
  if (!query) return path
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue
    if (Array.isArray(v)) {
      if (v.length) params.set(k, v.join(','))
    } else {
      params.set(k, String(v))
    }
  }
  const s = params.toString()
  return s ? `${path}?${s}` : path
}

/** The file name from a Content-Disposition header (RFC 6266, with RFC 5987 `filename*`). */
export function filenameFromDisposition(header: string | null, fallback: string): string {
  if (!header) return fallback
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header)
  if (star) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''))
    } catch {
      /* fall through to the plain form */
    }
  }
  const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/.exec(header)
  if (plain) return (plain[2] ?? plain[1]).trim() || fallback
  return fallback
}

export class ApiClient {
  /** Called once per lost session (401 or expiry), after the session is cleared. */
  onUnauthorized: () => void = () => {}

  private readonly base: string
  private readonly storage: ClientOptions['storage']
  private readonly fetchImpl: typeof fetch
  private readonly now: () => number
  private session: StoredSession | null

  constructor(opts: ClientOptions = {}) {
    this.base = opts.base ?? ''
    this.storage = opts.storage
    this.fetchImpl = opts.fetch ?? ((input, init) => globalThis.fetch(input, init))
    this.now = opts.now ?? Date.now
    this.session = this.readStored()
  }

  get token(): string | null {
    return this.session?.token ?? null
  }

  get expiresAt(): number | null {
    return this.session?.expiresAt ?? null
  }

  /** True when a token is held and not yet past its expiry. */
  hasValidSession(): boolean {
    return this.session !== null && this.session.expiresAt > this.now()
  }

  setSession(token: string, expiresAt: string | number): void {
    const at = typeof expiresAt === 'number' ? expiresAt : Date.parse(expiresAt)
    this.session = { token, expiresAt: Number.isFinite(at) ? at : this.now() + 3600_000 }
    this.storage?.setItem(SESSION_KEY, JSON.stringify(this.session))
  }

  clearSession(): void {
    this.session = null
    this.storage?.removeItem(SESSION_KEY)
  }

  /** Signals a lost session: clears it and tells the app (which shows the login page). */
  expire(): void {
    this.clearSession()
    this.onUnauthorized()
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>('GET', path, { query })
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, { body })
  }

  /**
   * `body` is sent as JSON; `raw` sends a text body as it is with its own Content-Type
   * (the bulk routes take CSV or NDJSON).
   */
  async request<T>(method: string, path: string, opts: SendOptions = {}): Promise<T> {
    const res = await this.send(method, path, opts)
    if (res.status === 204) return undefined as T
    const text = await res.text()
    return (text ? JSON.parse(text) : undefined) as T
  }

  /** Fetches a file (e.g. `format=xlsx`) with the token; the name comes from Content-Disposition. */
  async download(path: string, query: Query, fallbackName: string): Promise<Download> {
    const res = await this.send('GET', path, { query })
    const blob = await res.blob()
    return { blob, filename: filenameFromDisposition(res.headers.get('Content-Disposition'), fallbackName) }
  }

  private async send(method: string, path: string, opts: SendOptions): Promise<Response> {
    const auth = opts.auth ?? true
    const headers: Record<string, string> = { Accept: 'application/json' }
    if (auth) {
      if (!this.hasValidSession()) {
        const had = this.session !== null
        this.clearSession()
        if (had) this.onUnauthorized()
        throw new ApiError(401, { title: 'Authentication required', detail: had ? 'session expired' : 'not logged in' })
      }
      headers.Authorization = `Bearer ${this.session!.token}`
    }
    let body: string | undefined
    if (opts.raw) {
      headers['Content-Type'] = opts.raw.contentType
      body = opts.raw.body
    } else if (opts.body !== undefined) {
      headers['Content-Type'] = 'application/json'
      body = JSON.stringify(opts.body)
    }
    let res: Response
    try {
      res = await this.fetchImpl(this.base + withQuery(path, opts.query), { method, headers, body })
    } catch (e) {
      throw new NetworkError(e)
    }
    if (res.ok) return res
    let problem: Record<string, unknown> = {}
    try {
      const text = await res.text()
      problem = text ? JSON.parse(text) : {}
    } catch {
      problem = {}
    }
    if (res.status === 401 && auth) this.expire()
    throw new ApiError(res.status, problem)
  }

  private readStored(): StoredSession | null {
    try {
      const raw = this.storage?.getItem(SESSION_KEY)
      if (!raw) return null
      const s = JSON.parse(raw) as StoredSession
      return typeof s.token === 'string' && typeof s.expiresAt === 'number' ? s : null
    } catch {
      return null
    }
  }
}
