import { describe, expect, it, vi } from 'vitest'
import { ApiClient, ApiError, filenameFromDisposition, NetworkError, withQuery } from '../../src/api/client'

class MemoryStorage {
  data = new Map<string, string>()
  getItem(k: string) {
    return this.data.get(k) ?? null
  }
  setItem(k: string, v: string) {
    this.data.set(k, v)
  }
  removeItem(k: string) {
    this.data.delete(k)
  }
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers },
  })
}

const NOW = Date.parse('2026-11-23T12:00:00Z')

function setup(responses: Array<Response | Error>) {
  const storage = new MemoryStorage()
  const calls: Array<{ url: string; init: RequestInit }> = []
  const fetch = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} })
    const next = responses.shift()
    if (!next) throw new Error('no more responses')
    if (next instanceof Error) throw next
    return next
  })
  let now = NOW
  const client = new ApiClient({ storage, fetch: fetch as unknown as typeof globalThis.fetch, now: () => now })
  const lost = vi.fn()
  client.onUnauthorized = lost
  return { client, storage, calls, lost, advance: (ms: number) => (now += ms) }
}

describe('withQuery', () => {
  it('leaves out empty values and joins lists', () => {
    expect(withQuery('/r', { area: '220102000000', name: '', tag: ['elderly_alone', 'chronic'], after: undefined, unmask: true })).toBe(
      '/r?area=220102000000&tag=elderly_alone%2Cchronic&unmask=true',
    )
    expect(withQuery('/r', { tag: [] })).toBe('/r')
    expect(withQuery('/r')).toBe('/r')
  })
})

describe('ApiClient session', () => {
  it('sends the bearer token and keeps it in session storage', async () => {
    const { client, storage, calls } = setup([json(200, { ok: true })])
    client.setSession('tok-1', '2026-11-24T00:00:00+08:00')
    expect(JSON.parse(storage.getItem('tongchou.session')!)).toEqual({ token: 'tok-1', expiresAt: Date.parse('2026-11-24T00:00:00+08:00') })
    await client.get('/api/v1/auth/me')
    expect((calls[0].init.headers as Record<string, string>).Authorization).toBe('Bearer tok-1')
  })

  it('restores a stored session in a new client (a reload)', () => {
    const storage = new MemoryStorage()
    storage.setItem('tongchou.session', JSON.stringify({ token: 't', expiresAt: NOW + 1000 }))
    const client = new ApiClient({ storage, now: () => NOW })
    expect(client.token).toBe('t')
    expect(client.hasValidSession()).toBe(true)
  })

  it('ignores a corrupt stored session', () => {
    const storage = new MemoryStorage()
    storage.setItem('tongchou.session', '{not json')
    expect(new ApiClient({ storage }).token).toBeNull()
  })

  it('on 401 clears the session and reports it lost', async () => {
    const { client, storage, lost } = setup([json(401, { status: 401, title: 'Authentication required', detail: 'invalid token' })])
    client.setSession('tok', NOW + 60_000)
    await expect(client.get('/api/v1/areas')).rejects.toMatchObject({ status: 401, detail: 'invalid token' })
    expect(lost).toHaveBeenCalledTimes(1)
    expect(client.token).toBeNull()
    expect(storage.getItem('tongchou.session')).toBeNull()
  })

  it('treats a token past its expiry as lost without calling the server', async () => {
    const { client, calls, lost, advance } = setup([])
    client.setSession('tok', NOW + 1000)
    advance(1001)
    await expect(client.get('/api/v1/areas')).rejects.toBeInstanceOf(ApiError)
    expect(calls).toHaveLength(0)
    expect(lost).toHaveBeenCalledTimes(1)
  })

  it('does not report a lost session for a failed login', async () => {
    const { client, lost } = setup([json(401, { status: 401, detail: 'invalid username or password' })])
    await expect(client.request('POST', '/api/v1/auth/login', { body: { username: 'a', password: 'b' }, auth: false })).rejects.toMatchObject({
      status: 401,
    })
    expect(lost).not.toHaveBeenCalled()
  })

  it('refuses an authenticated call with no session and does not report a loss', async () => {
    const { client, lost, calls } = setup([])
    await expect(client.get('/api/v1/areas')).rejects.toMatchObject({ status: 401 })
    expect(lost).not.toHaveBeenCalled()
    expect(calls).toHaveLength(0)
  })
})

describe('ApiClient errors', () => {
  it('turns problem+json into ApiError with field errors', async () => {
    const { client, lost } = setup([
      json(422, { status: 422, title: 'Invalid request', detail: 'check the fields', errors: [{ field: 'keep_id', message: 'is required' }], request_id: 'r1' }),
    ])
    client.setSession('tok', NOW + 60_000)
    const err = (await client.post('/api/v1/residents/merge', {}).catch((e: unknown) => e)) as ApiError
    expect(err).toBeInstanceOf(ApiError)
    expect(err.status).toBe(422)
    expect(err.errors).toEqual([{ field: 'keep_id', message: 'is required' }])
    expect(err.requestId).toBe('r1')
    expect(lost).not.toHaveBeenCalled()
  })

  it('keeps the session on 403 (not permitted is not logged out)', async () => {
    const { client, lost } = setup([json(403, { status: 403, detail: 'your role (hotline_agent) lacks permission personal.unmask' })])
    client.setSession('tok', NOW + 60_000)
    await expect(client.get('/api/v1/residents', { unmask: true })).rejects.toMatchObject({ status: 403 })
    expect(client.token).toBe('tok')
    expect(lost).not.toHaveBeenCalled()
  })

  it('copes with an error body that is not JSON', async () => {
    const { client } = setup([new Response('<html>bad gateway</html>', { status: 502 })])
    client.setSession('tok', NOW + 60_000)
    await expect(client.get('/x')).rejects.toMatchObject({ status: 502, detail: '' })
  })

  it('reports an unreachable server as a NetworkError (status 0)', async () => {
    const { client } = setup([new TypeError('Failed to fetch')])
    client.setSession('tok', NOW + 60_000)
    const err = (await client.get('/x').catch((e: unknown) => e)) as NetworkError
    expect(err).toBeInstanceOf(NetworkError)
    expect(err.status).toBe(0)
  })

  it('sends JSON bodies', async () => {
    const { client, calls } = setup([json(200, { id: 1 })])
    client.setSession('tok', NOW + 60_000)
    await client.post('/api/v1/residents/merge', { keep_id: 1, merge_id: 2 })
    expect(calls[0].init.method).toBe('POST')
    expect(calls[0].init.body).toBe('{"keep_id":1,"merge_id":2}')
    expect((calls[0].init.headers as Record<string, string>)['Content-Type']).toBe('application/json')
  })
})

describe('downloads', () => {
  it('names the file from Content-Disposition', async () => {
    const { client } = setup([
      new Response('PK', { status: 200, headers: { 'Content-Disposition': 'attachment; filename="coverage-220102000000.xlsx"' } }),
    ])
    client.setSession('tok', NOW + 60_000)
    const file = await client.download('/api/v1/coverage', { area: '220102000000', format: 'xlsx' }, 'fallback.xlsx')
    expect(file.filename).toBe('coverage-220102000000.xlsx')
    expect(await file.blob.text()).toBe('PK')
  })

  it('parses the RFC 5987 form and falls back', () => {
    expect(filenameFromDisposition("attachment; filename*=UTF-8''%E5%8D%97%E5%85%B3.csv", 'x')).toBe('南关.csv')
    expect(filenameFromDisposition('attachment; filename=plain.csv', 'x')).toBe('plain.csv')
    expect(filenameFromDisposition(null, 'x.csv')).toBe('x.csv')
    expect(filenameFromDisposition('attachment', 'x.csv')).toBe('x.csv')
  })
})

describe('raw bodies', () => {
  it('sends a CSV or NDJSON body as it is, with its own Content-Type and the token', async () => {
    const { client, calls } = setup([json(200, { received: 1 })])
    client.setSession('tok-1', '2026-11-24T00:00:00+08:00')
    const csv = '试管码,结果\nT1,阴性\n'
    const r = await client.request<{ received: number }>('POST', '/api/v1/testing/results/bulk', { raw: { body: csv, contentType: 'text/csv; charset=utf-8' } })
    expect(r.received).toBe(1)
    const headers = calls[0].init.headers as Record<string, string>
    expect(headers['Content-Type']).toBe('text/csv; charset=utf-8')
    expect(headers.Authorization).toBe('Bearer tok-1')
    expect(calls[0].init.body).toBe(csv)
  })
})
