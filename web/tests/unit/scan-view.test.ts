// The scanning page with the API mocked: a tube, then ID numbers each ended by Enter
// (as a keyboard-wedge scanner types them) post one scan each, in order; the fill shows
// large; a full tube asks for the next; a refusal shows the server's detail and field.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import { ApiError } from '../../src/api/client'
import type { SampleScan, ScanReply } from '../../src/api/types'
import en from '../../src/i18n/en'
import zhCN from '../../src/i18n/zh-CN'
import { installElementPlus } from '../../src/plugins'

const scans: [number, SampleScan][] = []
let replies: Array<ScanReply | ApiError> = []

vi.mock('../../src/api', () => ({
  api: {
    rounds: vi.fn(async () => ({
      items: [
        { id: 3, name: 'Round 3', status: 'open', pool_size: 2 },
        { id: 1, name: 'Round 1', status: 'open', pool_size: 10 },
        { id: 2, name: 'Round 2', status: 'closed', pool_size: 10 },
      ],
    })),
    testSites: vi.fn(async () => ({ items: [{ code: 'S01', name: 'Site 1' }] })),
    scan: vi.fn(async (round: number, s: SampleScan) => {
      scans.push([round, s])
      const next = replies.shift()
      if (!next) throw new Error('no reply')
      if (next instanceof ApiError) throw next
      return next
    }),
    closeTube: vi.fn(async (barcode: string) => ({ barcode, members: 1, capacity: 2, closed: true })),
  },
}))

const ScanView = (await import('../../src/views/ScanView.vue')).default

function mountView() {
  const i18n = createI18n({ legacy: false, locale: 'en', fallbackLocale: 'zh-CN', messages: { 'zh-CN': zhCN, en } })
  return mount(ScanView, { global: { plugins: [i18n, { install: installElementPlus }] }, attachTo: document.body })
}

async function type(w: ReturnType<typeof mountView>, code: string) {
  const input = w.find('input[name=scan-code]')
  await input.setValue(code)
  await input.trigger('keydown', { key: 'Enter' })
  await flushPromises()
}

const reply = (members: number, result: ScanReply['result'] = 'registered'): ScanReply => ({
  result,
  tube: { barcode: 'T100', members, capacity: 2, closed: false },
  resident_id: 40 + members,
})

beforeEach(() => {
  scans.length = 0
  replies = []
  localStorage.clear()
})

describe('ScanView', () => {
  it('takes the open round and the only site, then a tube and people until the tube is full', async () => {
    const w = mountView()
    await flushPromises()
    expect(w.find('[data-test=scan-prompt]').text()).toBe('Scan a tube')

    await type(w, 'T100')
    expect(w.find('[data-test=scan-fill]').text()).toBe('0/2')
    expect(w.find('[data-test=scan-prompt]').attributes('data-phase')).toBe('person')

    replies = [reply(1), reply(2)]
    await type(w, '220102199001010015')
    await type(w, '22010219851231002x')
    expect(scans).toEqual([
      [3, { site: 'S01', tube: 'T100', id_number: '220102199001010015' }],
      [3, { site: 'S01', tube: 'T100', id_number: '22010219851231002X' }],
    ])
    expect(w.find('[data-test=scan-fill]').text()).toBe('2/2')
    expect(w.find('[data-test=scan-prompt]').text()).toBe('Tube full: scan the next tube')
    const entries = w.findAll('[data-test=scan-entry]')
    expect(entries.map((e) => e.attributes('data-kind'))).toEqual(['registered', 'registered', 'tube'])
    expect(entries[0].text()).toContain('Registered 2/2')
    // The ID number on screen has its middle hidden.
    expect(entries[0].text()).toContain('220102********002X')
    expect((w.find('input[name=scan-code]').element as HTMLInputElement).value).toBe('')
    w.unmount()
  })

  it('shows a refusal’s detail and field and keeps the tube when the person was the problem', async () => {
    const w = mountView()
    await flushPromises()
    await type(w, 'T100')
    replies = [
      new ApiError(409, { detail: 'resident 41 is already on tube T007 of round 3', errors: [{ field: 'id_number', message: 'already sampled' }] }),
    ]
    await type(w, '220102199001010015')
    const entry = w.find('[data-test=scan-entry]')
    expect(entry.attributes('data-kind')).toBe('error')
    expect(entry.text()).toContain('resident 41 is already on tube T007 of round 3')
    expect(entry.text()).toContain('Field: ID number')
    expect(w.find('[data-test=scan-prompt]').attributes('data-phase')).toBe('person')
    // A misread ID number is refused on the spot, without a request.
    await type(w, '22010219900101001')
    expect(scans).toHaveLength(1)
    expect(w.find('[data-test=scan-entry]').text()).toContain('Incomplete ID number')
    w.unmount()
  })

  it('closes the tube by hand and asks for the next one', async () => {
    const w = mountView()
    await flushPromises()
    await type(w, 'T100')
    replies = [reply(1)]
    await type(w, '220102199001010015')
    await w.find('[data-test=scan-close-tube]').trigger('click')
    await flushPromises()
    expect(w.find('[data-test=scan-prompt]').text()).toBe('Tube full: scan the next tube')
    expect(w.find('[data-test=scan-entry]').attributes('data-kind')).toBe('closed')
    w.unmount()
  })
})
