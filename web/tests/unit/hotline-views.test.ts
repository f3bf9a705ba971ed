// The hotline pages with the API mocked: the intake form classifies once typing pauses
// (not on every key), Alt+2 picks the second category and Ctrl+Enter files with it,
// the form clears and the caller field gets the focus back; a weak address is red with
// "manual dispatch"; the server's 422 shows under the field it names. The drawer offers
// only the actions of the user's permissions, asks for a reason before returning and
// shows the server's problem by field. The countdown's colour follows the deadline. And
// where agents and handlers land.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import { ApiError } from '../../src/api/client'
import type { HotlineRequest, HotlineRequestDetail } from '../../src/api/types'
import en from '../../src/i18n/en'
import zhCN from '../../src/i18n/zh-CN'
import { installElementPlus } from '../../src/plugins'
import { session } from '../../src/state/session'
import { H, T0, iso, hotlineRequest } from './hotline-fixture'

const calls = { classify: [] as string[], resolve: [] as string[], file: [] as unknown[], act: [] as unknown[] }
let fileAnswer: () => Promise<HotlineRequest>
let actAnswer: () => Promise<HotlineRequest>
let resolveAnswer: (a: string) => Promise<unknown>
let detail: HotlineRequestDetail


function request(over: Partial<HotlineRequest> = {}): HotlineRequest {
  return hotlineRequest({
    id: 5,
    number: '20220310-5',
    text: '家里停水三天了',
    address_text: '金昌社区团利小区',
    area: { code: '220102001001-001', path: '/x/', community_code: '220102001001', confidence: 0.95, notes: 'resolved to 南关区胜山街道金昌社区团利小区' },
    priority: 'urgent',
    green_channel: true,
    wartime: true,
    handle_by: iso(T0 + 24 * H),
    ...over,
  })
}

vi.mock('../../src/api', () => ({
  client: { token: 'x', hasValidSession: () => true },
  api: {
    health: vi.fn(async () => ({ time: '2022-03-10T12:00:00+08:00' })),
    classify: vi.fn(async (text: string) => {
      calls.classify.push(text)
      return {
        suggestions: [
          { code: 'utilities.water', name: '供水', department: 'water', department_name: '市供水集团', score: 0.56 },
          { code: 'property', name: '物业管理', department: 'housing', department_name: '市住建局', score: 0.19 },
          { code: 'utilities.gas', name: '燃气', department: 'gas', department_name: '市燃气集团', score: 0.05 },
        ],
      }
    }),
    resolveAddress: vi.fn((address: string) => {
      calls.resolve.push(address)
      return resolveAnswer(address)
    }),
    fileRequest: vi.fn((r: unknown) => {
      calls.file.push(r)
      return fileAnswer()
    }),
    hotlineRequest: vi.fn(async () => detail),
    hotlineAct: vi.fn((id: number, body: unknown) => {
      calls.act.push([id, body])
      return actAnswer()
    }),
  },
}))

function i18n(locale = 'zh-CN') {
  return createI18n({ legacy: false, locale, fallbackLocale: 'zh-CN', messages: { 'zh-CN': zhCN, en } })
}

const plugins = (locale = 'zh-CN') => ({ global: { plugins: [i18n(locale), { install: installElementPlus }] }, attachTo: document.body })

beforeEach(() => {
  calls.classify.length = 0
  calls.resolve.length = 0
  calls.file.length = 0
  calls.act.length = 0
  fileAnswer = async () => request()
  actAnswer = async () => request({ status: 'accepted' })
  resolveAnswer = async () => ({
    code: '220102001001-001',
    path: '/x/',
    level: 'compound',
    community_code: '220102001001',
    confidence: 0.95,
    fuzzy: false,
    notes: ['resolved to 南关区胜山街道金昌社区团利小区'],
  })
  detail = { ...request(), log: [{ at: iso(T0), actor: 'hotline', action: 'receive', from: 'pending_dispatch', to: 'dispatched', department: 'water', note: 'received by phone' }] }
})

afterEach(() => {
  vi.useRealTimers()
  document.body.innerHTML = ''
})

describe('HotlineIntakeView', () => {
  async function mountIntake(locale = 'zh-CN') {
    const View = (await import('../../src/views/HotlineIntakeView.vue')).default
    const w = mount(View, plugins(locale))
    await flushPromises()
    return w
  }

  it('classifies once the typing pauses for 300 ms, with the last text, not on every key', async () => {
    vi.useFakeTimers()
    const w = await mountIntake()
    const text = w.find('textarea[name=text]')
    for (const s of ['家', '家里停', '家里停水', '家里停水三天了']) {
      await text.setValue(s)
      vi.advanceTimersByTime(100)
    }
    expect(calls.classify).toEqual([])
    vi.advanceTimersByTime(200)
    await flushPromises()
    expect(calls.classify).toEqual(['家里停水三天了'])
    const chips = w.findAll('[data-test=category-chip]')
    expect(chips.map((c) => c.attributes('data-code'))).toEqual(['utilities.water', 'property', 'utilities.gas'])
    expect(chips[0].find('[data-test=chip-score]').text()).toBe('56%')
    // The pick defaults to the first.
    expect(chips[0].attributes('data-picked')).toBe('true')
    w.unmount()
  })

  it('Alt+2 picks the second category, Ctrl+Enter files with it; the reply shows the number and the form clears', async () => {
    vi.useFakeTimers()
    const w = await mountIntake()
    expect(document.activeElement).toBe(w.find('input[name=caller_name]').element)
    await w.find('input[name=caller_name]').setValue('张三')
    await w.find('input[name=phone]').setValue('139 1234 5678')
    const text = w.find('textarea[name=text]')
    await text.setValue('家里停水三天了')
    await w.find('input[name=address]').setValue('金昌社区团利小区')
    vi.advanceTimersByTime(300)
    await flushPromises()
    await text.trigger('keydown', { key: '2', code: 'Digit2', altKey: true })
    expect(w.findAll('[data-test=category-chip]')[1].attributes('data-picked')).toBe('true')
    // A plain Enter in a one-line field files nothing.
    await w.find('input[name=address]').trigger('keydown', { key: 'Enter' })
    await flushPromises()
    expect(calls.file).toEqual([])
    await text.trigger('keydown', { key: 'Enter', ctrlKey: true })
    await flushPromises()
    expect(calls.file).toEqual([{ caller_name: '张三', phone: '13912345678', text: '家里停水三天了', address: '金昌社区团利小区', category: 'property' }])
    const reply = w.find('[data-test=intake-reply]')
    expect(reply.find('[data-test=reply-number]').text()).toBe('20220310-5')
    expect(reply.find('[data-test=reply-green]').text()).toBe('绿色通道')
    expect(reply.find('[data-test=reply-priority]').text()).toBe('特急')
    expect((w.find('textarea[name=text]').element as HTMLTextAreaElement).value).toBe('')
    expect(w.findAll('[data-test=category-chip]')).toHaveLength(0)
    expect(document.activeElement).toBe(w.find('input[name=caller_name]').element)
    w.unmount()
  })

  it('without a pick the server’s first suggestion stands (no category sent)', async () => {
    vi.useFakeTimers()
    const w = await mountIntake()
    await w.find('textarea[name=text]').setValue('停水')
    vi.advanceTimersByTime(300)
    await flushPromises()
    await w.find('textarea[name=text]').trigger('keydown', { key: 'Enter', metaKey: true })
    await flushPromises()
    expect(calls.file).toEqual([{ caller_name: undefined, phone: undefined, text: '停水', address: undefined, category: undefined }])
    w.unmount()
  })

  it('shows a weak address in red: will go to manual dispatch', async () => {
    vi.useFakeTimers()
    resolveAnswer = async () => ({ code: '220102001000', path: '/x/', level: 'street', community_code: null, confidence: 0.55, fuzzy: false, notes: ['resolved to 南关区胜山街道'] })
    const w = await mountIntake()
    await w.find('input[name=address]').setValue('胜山街道')
    vi.advanceTimersByTime(300)
    await flushPromises()
    expect(w.find('[data-test=address-place]').text()).toBe('南关区胜山街道')
    const c = w.find('[data-test=address-confidence]')
    expect(c.text()).toBe('匹配度 55%')
    expect(c.classes()).toContain('low')
    expect(w.find('[data-test=address-manual]').text()).toBe('将转人工派单')
    w.unmount()
  })

  it('shows the server’s 422 under the field it names and keeps what was typed', async () => {
    fileAnswer = async () => {
      throw new ApiError(422, { title: 'Invalid request', detail: 'phone: not a phone number', errors: [{ field: 'phone', message: 'not a phone number' }] })
    }
    const w = await mountIntake('en')
    await w.find('input[name=phone]').setValue('12')
    await w.find('textarea[name=text]').setValue('No water')
    await w.find('textarea[name=text]').trigger('keydown', { key: 'Enter', ctrlKey: true })
    await flushPromises()
    expect(w.find('[data-test=problem-phone]').text()).toBe('not a phone number')
    expect(w.find('[data-test=intake-failure]').text()).toContain('phone: not a phone number')
    expect((w.find('textarea[name=text]').element as HTMLTextAreaElement).value).toBe('No water')
    w.unmount()
  })
})

describe('HotlineRequestDrawer', () => {
  async function mountDrawer(permissions: string[]) {
    session.me = { id: 1, username: 'u', display_name: 'U', role: 'x', area_code: '220100000000', area: {} as never, permissions }
    const Drawer = (await import('../../src/components/HotlineRequestDrawer.vue')).default
    const w = mount(Drawer, { props: { requestId: 5, taxonomy: null, now: T0 + H }, ...plugins('en') })
    await flushPromises()
    return w
  }
  const buttons = () => [...document.querySelectorAll('[data-test=action-button]')].map((b) => b.getAttribute('data-action'))

  it('offers a handler accept, return and resolve on a dispatched request, and a dispatcher only its own actions', async () => {
    const w = await mountDrawer(['hotline.read', 'hotline.handle'])
    expect(buttons()).toEqual(['accept', 'return', 'resolve'])
    w.unmount()
    document.body.innerHTML = ''
    const v = await mountDrawer(['hotline.read', 'hotline.dispatch'])
    expect(buttons()).toEqual(['reassign', 'merge'])
    v.unmount()
  })

  it('asks for a reason before returning, and shows the server’s problem by field', async () => {
    const w = await mountDrawer(['hotline.read', 'hotline.handle'])
    ;(document.querySelector('[data-test=action-button][data-action=return]') as HTMLElement).click()
    await flushPromises()
    ;(document.querySelector('[data-test=action-form]') as HTMLFormElement).dispatchEvent(new Event('submit'))
    await flushPromises()
    expect(calls.act).toEqual([])
    expect(document.querySelector('[data-test=problem-note]')!.textContent).toBe('Please give a reason.')
    actAnswer = async () => {
      throw new ApiError(422, { detail: 'note: too long', errors: [{ field: 'note', message: 'at most 8000 bytes' }] })
    }
    const note = document.querySelector('textarea[name=note]') as HTMLTextAreaElement
    note.value = 'not ours'
    note.dispatchEvent(new Event('input'))
    await flushPromises()
    ;(document.querySelector('[data-test=action-form]') as HTMLFormElement).dispatchEvent(new Event('submit'))
    await flushPromises()
    expect(calls.act).toEqual([[5, { action: 'return', note: 'not ours' }]])
    expect(document.querySelector('[data-test=problem-note]')!.textContent).toBe('at most 8000 bytes')
    expect(document.querySelector('[data-test=action-failure]')!.textContent).toContain('note: too long')
    w.unmount()
  })

  it('accepts at once (nothing to ask) and shows the log', async () => {
    const w = await mountDrawer(['hotline.read', 'hotline.handle'])
    expect(document.querySelectorAll('[data-test=log-entry]')).toHaveLength(1)
    ;(document.querySelector('[data-test=action-button][data-action=accept]') as HTMLElement).click()
    await flushPromises()
    expect(calls.act).toEqual([[5, { action: 'accept' }]])
    expect(w.emitted('changed')?.[0]?.[0]).toMatchObject({ status: 'accepted' })
    w.unmount()
  })
})

describe('DeadlineCountdown', () => {
  it('is green, then amber under 25 % left, then red and counting overdue', async () => {
    const Countdown = (await import('../../src/components/DeadlineCountdown.vue')).default
    const r = request() // respond within 4 h of T0
    const w = mount(Countdown, { props: { request: r, now: T0 + H }, ...plugins('zh-CN') })
    const el = () => w.find('[data-test=countdown]')
    expect(el().attributes('data-urgency')).toBe('ok')
    expect(el().text()).toBe('响应时限剩 03:00:00')
    await w.setProps({ now: T0 + 3.5 * H })
    expect(el().attributes('data-urgency')).toBe('warn')
    await w.setProps({ now: T0 + 4 * H + 61_000 })
    expect(el().attributes('data-urgency')).toBe('overdue')
    expect(el().text()).toBe('响应时限超时 00:01:01')
    expect((el().element as HTMLElement).style.color).toMatch(/rgb\(217, 48, 37\)|#d93025/i)
    await w.setProps({ request: request({ status: 'accepted' }), now: T0 + H })
    expect(el().attributes('data-kind')).toBe('handle')
    expect(el().text()).toBe('办理时限剩 23:00:00')
  })
})

describe('where a hotline login lands', () => {
  async function landing(user: { role: string; permissions: string[]; resident_id?: number | null }, path = '/') {
    const { router } = await import('../../src/router')
    session.me = { id: 1, username: 'u', display_name: 'U', area_code: '220100000000', area: { level: 'city' } as never, ...user }
    await router.push(path)
    return router.currentRoute.value
  }
  const AGENT = ['area.read', 'personal.read', 'risk.read', 'healthcode.read', 'hotline.intake', 'hotline.read', 'hotline.dispatch']
  const HANDLER = ['area.read', 'hotline.read', 'hotline.handle']

  it('sends an agent to intake and a department handler to the inbox, and keeps each off pages they lack', async () => {
    expect((await landing({ role: 'hotline_agent', permissions: AGENT })).name).toBe('hotline-intake')
    expect((await landing({ role: 'department_handler', permissions: HANDLER })).name).toBe('hotline-inbox')
    expect((await landing({ role: 'department_handler', permissions: HANDLER }, '/hotline/board')).name).toBe('hotline-inbox')
    expect((await landing({ role: 'department_handler', permissions: HANDLER }, '/hotline/intake')).name).toBe('hotline-inbox')
    // An enterprise user has no other page: their own requests.
    expect((await landing({ role: 'enterprise_user', permissions: ['hotline.intake', 'hotline.read'] })).name).toBe('hotline-mine')
    expect((await landing({ role: 'enterprise_user', permissions: ['hotline.intake', 'hotline.read'] }, '/hotline/inbox')).name).toBe('hotline-mine')
  })
})
