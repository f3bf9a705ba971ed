// The hotline pages' rules (lib/hotline.ts): pages by permission and where agents and
// handlers land, the intake keys, the debounce, deadlines and their colours, which
// actions a user may take in which state and what each needs, rates as series,
// hotspots by community.
import { describe, expect, it, vi } from 'vitest'
import {
  actionRequest,
  allowedActions,
  addressGoesManual,
  byEscalation,
  countdownParts,
  debounce,
  defaultDepartment,
  emptyActionForm,
  groupHotspots,
  hotlineHome,
  hotlineLanding,
  hotlinePages,
  intakeShortcut,
  nextDeadline,
  placeName,
  rateSeries,
  rateText,
  urgency,
} from '../../src/lib/hotline'
import { H, T0, iso, hotlineRequest } from './hotline-fixture'

const request = hotlineRequest

const AGENT = ['area.read', 'personal.read', 'risk.read', 'healthcode.read', 'hotline.intake', 'hotline.read', 'hotline.dispatch']
const HANDLER = ['area.read', 'hotline.read', 'hotline.handle']
const COMMANDER = ['area.read', 'hotline.read', 'hotline.dispatch']
const RESIDENT = ['hotline.intake', 'hotline.read']



describe('hotline pages and landing', () => {
  it('gives each role the pages of its permissions', () => {
    expect(hotlinePages(AGENT, { role: 'hotline_agent' })).toEqual(['intake', 'inbox', 'board', 'rates', 'hotspots'])
    expect(hotlinePages(HANDLER, { role: 'department_handler' })).toEqual(['inbox', 'rates', 'hotspots'])
    expect(hotlinePages(COMMANDER, { role: 'commander' })).toEqual(['inbox', 'board', 'rates', 'hotspots'])
    // A resident or an enterprise files for themselves: only their own page, never the inbox.
    expect(hotlinePages(RESIDENT, { role: 'resident', resident_id: 7 })).toEqual(['mine'])
    expect(hotlinePages(RESIDENT, { role: 'enterprise_user' })).toEqual(['mine'])
    expect(hotlineHome(['testing.sample'], { role: 'sampler' })).toBeNull()
  })

  it('lands an agent on intake, a department handler and a community operator on the inbox', () => {
    expect(hotlineLanding(AGENT, { role: 'hotline_agent' })).toBe('intake')
    expect(hotlineLanding(HANDLER, { role: 'department_handler' })).toBe('inbox')
    const operator = ['area.read', 'hotline.read', 'hotline.handle']
    expect(hotlineLanding(operator, { role: 'area_operator', area: { level: 'community' } })).toBe('inbox')
    // A district's operator keeps the area overview; so does a commander.
    expect(hotlineLanding(operator, { role: 'area_operator', area: { level: 'district' } })).toBeNull()
    expect(hotlineLanding(COMMANDER, { role: 'commander' })).toBeNull()
    // Without the permission behind the page there is no such landing.
    expect(hotlineLanding(['area.read'], { role: 'hotline_agent' })).toBeNull()
  })
})

describe('intake keys', () => {
  const key = (over: Partial<KeyboardEvent>) =>
    intakeShortcut({ key: '', code: '', altKey: false, ctrlKey: false, metaKey: false, shiftKey: false, ...over } as KeyboardEvent)

  it('Ctrl+Enter or Cmd+Enter files; a plain Enter does not', () => {
    expect(key({ key: 'Enter', ctrlKey: true })).toEqual({ submit: true })
    expect(key({ key: 'Enter', metaKey: true })).toEqual({ submit: true })
    expect(key({ key: 'Enter' })).toBeNull()
    expect(key({ key: 'Enter', altKey: true, ctrlKey: true })).toBeNull()
  })

  it('Alt+1/2/3 picks by the physical key (Option+2 types ™ on a Mac), not Alt+4 or a plain digit', () => {
    expect(key({ key: '1', code: 'Digit1', altKey: true })).toEqual({ pick: 0 })
    expect(key({ key: '™', code: 'Digit2', altKey: true })).toEqual({ pick: 1 })
    expect(key({ key: '3', code: 'Numpad3', altKey: true })).toEqual({ pick: 2 })
    expect(key({ key: '4', code: 'Digit4', altKey: true })).toBeNull()
    expect(key({ key: '1', code: 'Digit1' })).toBeNull()
    expect(key({ key: '1', code: 'Digit1', altKey: true, ctrlKey: true })).toBeNull()
  })
})

describe('debounce', () => {
  it('runs once with the last argument after the calls pause, and cancel drops a pending run', () => {
    vi.useFakeTimers()
    try {
      const seen: string[] = []
      const d = debounce((s: string) => seen.push(s), 300)
      d('停')
      vi.advanceTimersByTime(200)
      d('停水')
      vi.advanceTimersByTime(299)
      expect(seen).toEqual([])
      vi.advanceTimersByTime(1)
      expect(seen).toEqual(['停水'])
      d('停水三天')
      d.cancel()
      vi.advanceTimersByTime(1000)
      expect(seen).toEqual(['停水'])
    } finally {
      vi.useRealTimers()
    }
  })

  it('calls setTimeout as a plain function (in a browser, as a method of another object it throws Illegal invocation)', () => {
    // Regression: the intake form never classified in Chromium — the default timers
    // object held setTimeout itself and called it as timers.set(…).
    const real = globalThis.setTimeout
    const strict = function (this: unknown, f: () => void, ms?: number) {
      if (this !== undefined && this !== globalThis) throw new TypeError('Illegal invocation')
      return real(f, ms)
    }
    vi.stubGlobal('setTimeout', strict)
    try {
      const d = debounce(() => {}, 10)
      expect(() => d('停水')).not.toThrow()
      d.cancel()
    } finally {
      vi.unstubAllGlobals()
    }
  })
})

describe('address', () => {
  it('reads the place off the server’s note and sends a weak or community-less match to manual dispatch', () => {
    expect(placeName(['resolved to 南关区胜山街道金昌社区团利小区', 'building 5 not found in 团利小区'])).toBe('南关区胜山街道金昌社区团利小区')
    expect(placeName('resolved to 南关区胜山街道; building 5 not found', '220102001000')).toBe('南关区胜山街道')
    expect(placeName([], '220102001000')).toBe('220102001000')
    expect(addressGoesManual({ confidence: 0.95, community_code: '220102001001' })).toBe(false)
    expect(addressGoesManual({ confidence: 0.59, community_code: '220102001001' })).toBe(true)
    // A street (no community) at 0.55: manual.
    expect(addressGoesManual({ confidence: 0.55, community_code: null })).toBe(true)
  })
})

describe('deadlines and countdown colours', () => {
  it('counts to respond_by while dispatched, handle_by while accepted, callback_by while resolved', () => {
    expect(nextDeadline(request())).toEqual({ kind: 'respond', by: T0 + 4 * H, from: T0 })
    expect(nextDeadline(request({ status: 'accepted' }))).toEqual({ kind: 'handle', by: T0 + 72 * H, from: T0 })
    const resolved = request({ status: 'resolved', resolved_at: iso(T0 + 5 * H), callback_by: iso(T0 + 53 * H) })
    expect(nextDeadline(resolved)).toEqual({ kind: 'callback', by: T0 + 53 * H, from: T0 + 5 * H })
    expect(nextDeadline(request({ status: 'pending_dispatch' }))).toBeNull()
    expect(nextDeadline(request({ status: 'closed' }))).toBeNull()
  })

  it('is green with time to spare, amber under 25 % left, red past the deadline or when the server flagged it', () => {
    const d = nextDeadline(request())! // 4 h to respond
    expect(urgency(d, T0 + 2 * H, [])).toBe('ok')
    expect(urgency(d, T0 + 3 * H - 1000, [])).toBe('ok') // 25 % and a second left
    expect(urgency(d, T0 + 3 * H + 1000, [])).toBe('warn')
    expect(urgency(d, T0 + 4 * H, [])).toBe('overdue')
    // The server's flag wins over a browser clock that lags.
    expect(urgency(d, T0, ['respond'])).toBe('overdue')
    // Another deadline's flag does not colour this one.
    expect(urgency(d, T0, ['callback'])).toBe('ok')
  })

  it('writes the time left as days and H:MM:SS', () => {
    expect(countdownParts(3 * 86400_000 + 2 * H + 5 * 60_000 + 9_000)).toEqual({ days: 3, clock: '02:05:09' })
    expect(countdownParts(-61_000)).toEqual({ days: 0, clock: '00:01:01' })
  })

  it('sorts the overdue list by escalation, then the longest overdue', () => {
    const a = request({ id: 1, escalation: 1, respond_by: iso(T0 + 1 * H) })
    const b = request({ id: 2, escalation: 2, respond_by: iso(T0 + 2 * H) })
    const c = request({ id: 3, escalation: 1, respond_by: iso(T0 - 1 * H) })
    expect(byEscalation([a, b, c]).map((r) => r.id)).toEqual([2, 3, 1])
  })
})

describe('actions by permission and state', () => {
  it('offers a handler accept, return and resolve, and none of the centre’s actions', () => {
    expect(allowedActions('dispatched', HANDLER)).toEqual(['accept', 'return', 'resolve'])
    expect(allowedActions('accepted', HANDLER)).toEqual(['return', 'resolve'])
    expect(allowedActions('pending_dispatch', HANDLER)).toEqual([])
    expect(allowedActions('resolved', HANDLER)).toEqual([])
  })

  it('offers the centre dispatch, reassign, merge, callback, callback_failed and reopen where the workflow allows', () => {
    expect(allowedActions('pending_dispatch', COMMANDER)).toEqual(['dispatch', 'reassign', 'merge'])
    expect(allowedActions('dispatched', COMMANDER)).toEqual(['reassign', 'merge'])
    expect(allowedActions('resolved', COMMANDER)).toEqual(['merge', 'callback', 'callback_failed'])
    expect(allowedActions('closed', COMMANDER)).toEqual(['reopen'])
    expect(allowedActions('merged', COMMANDER)).toEqual([])
    expect(allowedActions('dispatched', [...HANDLER, ...COMMANDER])).toEqual(['accept', 'return', 'resolve', 'reassign', 'merge'])
    expect(allowedActions('dispatched', undefined)).toEqual([])
  })

  it('asks for what each action needs before it is sent', () => {
    const f = emptyActionForm()
    expect(actionRequest('accept', f, 1)).toEqual({ body: { action: 'accept' }, errors: {} })
    expect(actionRequest('return', f, 1).errors).toEqual({ note: 'hotline.form.needReason' })
    expect(actionRequest('resolve', { ...f, note: '  ' }, 1).errors).toEqual({ note: 'hotline.form.needResolution' })
    expect(actionRequest('resolve', { ...f, note: ' 已抢修 ' }, 1).body).toEqual({ action: 'resolve', note: '已抢修' })
    expect(actionRequest('reassign', f, 1).errors).toEqual({ note: 'hotline.form.needReason', department: 'hotline.form.needDepartment' })
    expect(actionRequest('dispatch', { ...f, department: 'water' }, 1).body).toEqual({ action: 'dispatch', department: 'water' })
    expect(actionRequest('callback', { ...f, satisfaction: 6 }, 1).errors).toEqual({ satisfaction: 'hotline.form.needSatisfaction' })
    expect(actionRequest('callback', { ...f, satisfaction: 4, solved: false }, 1).body).toEqual({ action: 'callback', satisfaction: 4, solved: false })
    expect(actionRequest('merge', { ...f, into: 1 }, 1).errors).toEqual({ into: 'hotline.form.notItself' })
    expect(actionRequest('merge', { ...f, into: 9 }, 1).body).toEqual({ action: 'merge', into: 9 })
  })

  it('dispatches by default to the category’s department', () => {
    const tax = { departments: [], categories: [{ code: 'utilities.water', name: '供水', department: 'water', epidemic: false, active: true, leaf: true }] }
    expect(defaultDepartment(request({ department: null }), tax)).toBe('water')
    const s = [{ code: 'heating', name: '供热', department: 'heat', score: 0.9 }]
    expect(defaultDepartment(request({ category: 'heating', suggestions: s }), null)).toBe('heat')
  })
})

describe('rates and hotspots', () => {
  it('turns rates into percentages per group, no bar where nothing counted', () => {
    const counts = { received: 3, response_due: 2, responded_on_time: 1, called_back: 0, solved: 0, satisfied: 0, overdue: 1 }
    const rows = [
      { ...counts, key: 'water', response_rate: 0.5, resolution_rate: null, satisfaction_rate: null },
      { ...counts, key: null, response_rate: 0.9345, resolution_rate: 1, satisfaction_rate: 0.75 },
    ]
    const s = rateSeries(rows, (k) => (k ? k.toUpperCase() : '—'))
    expect(s.labels).toEqual(['WATER', '—'])
    expect(s.series.response_rate).toEqual([50, 93.5])
    expect(s.series.resolution_rate).toEqual([null, 100])
    expect(rateText(0.9345, 'en')).toBe('93.5%')
    expect(rateText(null)).toBe('—')
  })

  it('groups hotspots by community, the strongest first, reading the street off the path', () => {
    const h = (code: string, category: string, count: number, ratio: number) => ({
      community_code: code,
      community_name: code,
      path: `/220100000000/220102000000/220102001000/${code}/`,
      category,
      category_name: category,
      count,
      baseline: 1,
      ratio,
      first: null,
      last: null,
      request_ids: [],
    })
    const g = groupHotspots([h('220102001001', 'water', 6, 4), h('220102001002', 'power', 9, 9), h('220102001001', 'gas', 5, 5)])
    expect(g.map((x) => [x.community_code, x.count, x.ratio, x.street_code])).toEqual([
      ['220102001002', 9, 9, '220102001000'],
      ['220102001001', 11, 5, '220102001000'],
    ])
    expect(g[1].items.map((x) => x.category)).toEqual(['gas', 'water'])
  })
})
