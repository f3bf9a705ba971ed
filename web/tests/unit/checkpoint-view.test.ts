// The checkpoint page with the API mocked: a keyboard-wedge scanner types a code and
// Enter; the decision is painted on the tick the answer arrives (only microtasks between
// the answer and the DOM: no timer, no second request), full-width in its colour, with
// the server's reason; the input keeps the focus; the last 10 scans stay listed.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { nextTick } from 'vue'
import { createI18n } from 'vue-i18n'
import { ApiError } from '../../src/api/client'
import type { CheckpointScanReply } from '../../src/api/types'
import en from '../../src/i18n/en'
import zhCN from '../../src/i18n/zh-CN'
import { installElementPlus } from '../../src/plugins'

const scans: [string, string][] = []
let answer: (code: string, payload: string) => Promise<CheckpointScanReply>

vi.mock('../../src/api', () => ({
  api: {
    checkpoints: vi.fn(async () => ({
      items: [{ code: 'G1', name: 'Gate 1', kind: 'compound_gate', area_code: '220102001001', area_name: 'Jinchang', staff: ['checkpoint01'] }],
    })),
    checkpointScan: vi.fn((code: string, payload: string) => {
      scans.push([code, payload])
      return answer(code, payload)
    }),
  },
}))

const CheckpointView = (await import('../../src/views/CheckpointView.vue')).default

function mountView(locale = 'en') {
  const i18n = createI18n({ legacy: false, locale, fallbackLocale: 'zh-CN', messages: { 'zh-CN': zhCN, en } })
  return mount(CheckpointView, { global: { plugins: [i18n, { install: installElementPlus }] }, attachTo: document.body })
}

const decided = (decision: CheckpointScanReply['decision'], reason: string, over: Partial<CheckpointScanReply> = {}): CheckpointScanReply => ({
  passage_id: 1,
  decision,
  colour: decision === 'pass' ? 'green' : decision === 'test' ? 'yellow' : 'red',
  kind: 'health_code',
  reason,
  verified: true,
  ...over,
})

async function type(w: ReturnType<typeof mountView>, text: string) {
  const input = w.find('input[name=checkpoint-code]')
  await input.setValue(text)
  await input.trigger('keydown', { key: 'Enter' })
}

/** Lets every queued microtask run (promise callbacks, Vue's DOM flush), and nothing else. */
async function drainMicrotasks() {
  for (let i = 0; i < 20; i++) await Promise.resolve()
  await nextTick()
}

beforeEach(() => {
  scans.length = 0
  localStorage.clear()
  answer = async () => decided('pass', '绿码，通行')
})

describe('CheckpointView', () => {
  // The decision must appear with the answer itself: only microtasks run between the reply
  // and the check, no timer. (Wall-clock time is not asserted here: a loaded machine made
  // it flaky; the scan's latency is the checkpoint benchmark's business.)
  it('paints the decision on the tick the answer arrives, with no timer in between', async () => {
    const w = mountView()
    await flushPromises()
    let resolve!: (r: CheckpointScanReply) => void
    answer = () => new Promise((r) => (resolve = r))

    await type(w, 'TC1.AEBGWMIAAAAAAYRJXB7Q')
    await drainMicrotasks()
    expect(scans).toEqual([['G1', 'TC1.AEBGWMIAAAAAAYRJXB7Q']])
    expect(w.find('[data-test=checkpoint-decision]').exists()).toBe(false)

    resolve(decided('deny', '红码：居住在高风险区'))
    await drainMicrotasks()
    const d = w.find('[data-test=checkpoint-decision]')
    expect(d.exists()).toBe(true)
    expect(d.attributes('data-decision')).toBe('deny')
    expect(d.find('[data-test=decision-word]').text()).toBe('STOP')
    expect(d.find('[data-test=decision-reason]').text()).toBe('红码：居住在高风险区')
    expect((d.element as HTMLElement).style.background).toMatch(/rgb\(217, 48, 37\)|#d93025/i)
    // Ready for the next scan: input empty and focused.
    const input = w.find('input[name=checkpoint-code]').element as HTMLInputElement
    expect(input.value).toBe('')
    expect(document.activeElement).toBe(input)
    w.unmount()
  })

  it('shows pass, test and deny in their colours, in Chinese by default words', async () => {
    const w = mountView('zh-CN')
    await flushPromises()
    const replies = [decided('pass', '绿码'), decided('test', '黄码：14 天内到访中风险区'), decided('deny', '通行证已撤销', { kind: 'permit', colour: null, plate: '吉A12345' })]
    answer = async () => replies.shift()!
    await type(w, 'A1')
    await flushPromises()
    expect(w.find('[data-test=decision-word]').text()).toBe('通行')
    await type(w, 'A2')
    await flushPromises()
    expect(w.find('[data-test=decision-word]').text()).toBe('核酸检测')
    expect(w.find('[data-test=checkpoint-decision]').attributes('data-decision')).toBe('test')
    await type(w, 'A3')
    await flushPromises()
    expect(w.find('[data-test=decision-word]').text()).toBe('禁止通行')
    expect(w.find('[data-test=decision-plate]').text()).toBe('吉A12345')
    expect(w.find('[data-test=decision-colour]').exists()).toBe(false)
    expect(w.findAll('[data-test=checkpoint-entry]').map((e) => e.attributes('data-decision'))).toEqual(['deny', 'test', 'pass'])
    w.unmount()
  })

  it('sends scans in the order scanned and keeps the last 10', async () => {
    const w = mountView()
    await flushPromises()
    for (let i = 1; i <= 12; i++) await type(w, `TC1.CODE${i}`)
    await flushPromises()
    expect(scans.map(([, p]) => p)).toEqual(Array.from({ length: 12 }, (_, i) => `TC1.CODE${i + 1}`))
    expect(w.findAll('[data-test=checkpoint-entry]').length).toBe(10)
    w.unmount()
  })

  it('lists a refused request with the server’s detail, not as a decision', async () => {
    const w = mountView()
    await flushPromises()
    answer = async () => {
      throw new ApiError(404, { detail: 'checkpoint G1 not found' })
    }
    await type(w, 'TC1.X')
    await flushPromises()
    const d = w.find('[data-test=checkpoint-decision]')
    expect(d.attributes('data-decision')).toBe('error')
    expect(d.find('[data-test=decision-reason]').text()).toBe('checkpoint G1 not found')
    w.unmount()
  })

  it('a tampered code (refused before its kind is known: kind null) shows the refusal without a raw kind key', async () => {
    const w = mountView('zh-CN')
    await flushPromises()
    // As the server answers a bad signature (routes_checkpoints.cc ScanJson).
    answer = async () => ({
      passage_id: 7,
      decision: 'deny',
      colour: null,
      colour_seen: null,
      kind: null,
      reason: '签名无效：码被篡改或伪造',
      plate: null,
      expires_at: null,
      verified: false,
      refusal: 'bad_signature',
      detail: 'signature does not verify',
      at: '2022-03-31T10:00:00.000+08:00',
    })
    await type(w, 'TC1.TAMPERED')
    await flushPromises()
    const d = w.find('[data-test=checkpoint-decision]')
    expect(d.text()).not.toContain('scanKind')
    expect(d.find('[data-test=decision-kind]').exists()).toBe(false)
    expect(d.attributes('data-decision')).toBe('deny')
    expect(d.attributes('data-refusal')).toBe('bad_signature')
    expect(d.find('[data-test=decision-word]').text()).toBe('禁止通行')
    expect(d.find('[data-test=decision-reason]').text()).toBe('签名无效：码被篡改或伪造')
    w.unmount()
  })

  it('a code printed green whose live colour is red shows both colours, the live one decided', async () => {
    const w = mountView('zh-CN')
    await flushPromises()
    answer = async () =>
      decided('deny', '红码，禁止通行（码上显示绿码，实时状态已变为红码，以实时状态为准）', { colour: 'red', colour_seen: 'green' })
    await type(w, 'TC1.STALE')
    await flushPromises()
    expect(w.find('[data-test=decision-colour]').text()).toBe('红码')
    expect(w.find('[data-test=decision-colour-seen]').text()).toBe('码上显示绿码')
    expect(w.find('[data-test=decision-kind]').text()).toBe('健康码')
    answer = async () => decided('pass', '绿码，通行', { colour_seen: 'green' })
    await type(w, 'TC1.FRESH')
    await flushPromises()
    expect(w.find('[data-test=decision-colour-seen]').exists()).toBe(false)
    w.unmount()
  })

  it('ignores an empty Enter and sends nothing before a checkpoint is chosen', async () => {
    const w = mountView()
    await flushPromises()
    await type(w, '   ')
    await flushPromises()
    expect(scans).toEqual([])
    expect(w.find('[data-test=checkpoint-waiting]').exists()).toBe(true)
    w.unmount()
  })
})
