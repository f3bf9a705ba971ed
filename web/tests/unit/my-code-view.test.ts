// A resident's own code with the API mocked: the QR as an image, the colour band with
// its name, the reasons under "why is my code yellow?", a countdown from expires_in_s,
// a refetch before the code expires (fake timers), a manual refresh; an account not
// linked to a resident (404) is told so.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import { ApiError } from '../../src/api/client'
import type { MyCode } from '../../src/api/types'
import en from '../../src/i18n/en'
import zhCN from '../../src/i18n/zh-CN'
import { installElementPlus } from '../../src/plugins'

let answers: Array<MyCode | ApiError> = []
let calls = 0

vi.mock('../../src/api', () => ({
  api: {
    myCode: vi.fn(async () => {
      calls++
      const next = answers.length > 1 ? answers.shift()! : answers[0]
      if (next instanceof ApiError) throw next
      return next
    }),
  },
}))

const MyCodeView = (await import('../../src/views/MyCodeView.vue')).default

function mountView(locale = 'en') {
  const i18n = createI18n({ legacy: false, locale, fallbackLocale: 'zh-CN', messages: { 'zh-CN': zhCN, en } })
  return mount(MyCodeView, { global: { plugins: [i18n, { install: installElementPlus }] } })
}

function code(over: Partial<MyCode> = {}): MyCode {
  return {
    resident_id: 1,
    colour: 'yellow',
    colour_zh: '黄码',
    since: '2022-03-10T11:55:00.000+08:00',
    reasons: [
      { code: 'visit.medium', colour: 'yellow', text: '14 天内到访过中风险区：金昌社区', since: '2022-03-10T11:55:00.000+08:00', until: '2022-03-24T11:55:00.000+08:00' },
    ],
    rules_version: 0,
    evaluated_at: '2022-03-10T16:36:15.349+08:00',
    payload: 'TC1.AAAA',
    kid: 'k1',
    issued_at: '2022-03-10T16:36:15.000+08:00',
    expires_at: '2022-03-10T16:41:15.000+08:00',
    expires_in_s: 300,
    qr_svg: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 21 21"><rect width="21" height="21" fill="#fff"/></svg>',
    ...over,
  }
}

beforeEach(() => {
  calls = 0
  answers = [code()]
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] })
})

afterEach(() => {
  vi.useRealTimers()
})

describe('MyCodeView', () => {
  it('shows the QR, the colour band with its name and since, and why', async () => {
    const w = mountView('zh-CN')
    await flushPromises()
    expect(w.find('[data-test=code-qr]').attributes('src')).toMatch(/^data:image\/svg\+xml/)
    expect(w.find('[data-test=code-band]').attributes('data-colour')).toBe('yellow')
    expect(w.find('[data-test=code-colour]').text()).toBe('黄码')
    expect(w.find('[data-test=code-since]').text()).toContain('2022')
    expect(w.find('[data-test=code-reasons] h3').text()).toBe('为什么是黄码')
    expect(w.findAll('[data-test=code-reason]').map((r) => r.text())[0]).toContain('14 天内到访过中风险区：金昌社区')
    expect(w.find('[data-test=code-countdown]').text()).toContain('5:00')
    w.unmount()
  })

  it('counts down and refetches before the code expires', async () => {
    answers = [code({ expires_in_s: 300 }), code({ colour: 'green', reasons: [], since: null, expires_in_s: 300 })]
    const w = mountView()
    await flushPromises()
    expect(calls).toBe(1)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(w.find('[data-test=code-countdown]').attributes('data-left')).toBe('240')
    expect(w.find('[data-test=code-countdown]').text()).toBe('Refreshes in 4:00')
    // Before expiry (300 s) the page asks again, and shows the new colour.
    await vi.advanceTimersByTimeAsync(215_000)
    expect(calls).toBe(2)
    await flushPromises()
    expect(w.find('[data-test=code-band]').attributes('data-colour')).toBe('green')
    expect(w.find('[data-test=code-reasons] h3').text()).toBe('Why is my code green?')
    expect(w.find('[data-test=code-no-reasons]').exists()).toBe(true)
    expect(w.find('[data-test=code-expired]').exists()).toBe(false)
    w.unmount()
  })

  it('refreshes on demand and stops its timers when left', async () => {
    const w = mountView()
    await flushPromises()
    await w.find('[data-test=code-refresh]').trigger('click')
    await flushPromises()
    expect(calls).toBe(2)
    w.unmount()
    await vi.advanceTimersByTimeAsync(600_000)
    expect(calls).toBe(2)
  })

  it('says plainly when the account is not linked to a resident', async () => {
    answers = [new ApiError(404, { detail: 'this account is not linked to a resident' })]
    const w = mountView()
    await flushPromises()
    expect(w.find('[data-test=code-not-linked]').exists()).toBe(true)
    expect(w.find('[data-test=code-qr]').exists()).toBe(false)
    w.unmount()
  })
})
