// A resident's health code in the resident drawer: with healthcode.read the colour and
// its reasons are shown (GET /residents/{id}/healthcode); without it nothing is asked.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import en from '../../src/i18n/en'
import zhCN from '../../src/i18n/zh-CN'
import { installElementPlus } from '../../src/plugins'
import { session } from '../../src/state/session'

const asked: number[] = []

vi.mock('../../src/api', () => ({
  client: {},
  api: {
    resident: vi.fn(async (id: number) => ({
      id, name: 'Zhang San', id_number: '220102********0015', phone: '138****0000', birth_date: '', sex: 'M',
      household_code: 'H1', tags: [], status: 'active', masked: true, household: null, history: [],
    })),
    residentCode: vi.fn(async (id: number) => {
      asked.push(id)
      return {
        resident_id: id, colour: 'red', colour_zh: '红码', since: '2022-03-10T16:36:21+08:00', rules_version: 0, evaluated_at: '',
        reasons: [{ code: 'residence.high', colour: 'red', text: '居住在高风险区：金昌社区', since: null, until: null }],
      }
    }),
  },
}))

const ResidentDrawer = (await import('../../src/components/ResidentDrawer.vue')).default

async function open(permissions: string[]) {
  session.me = { id: 1, username: 'grid01', display_name: 'G', role: 'grid_worker', area_code: '220102001001', area: {} as never, permissions }
  const i18n = createI18n({ legacy: false, locale: 'en', fallbackLocale: 'zh-CN', messages: { 'zh-CN': zhCN, en } })
  const w = mount(ResidentDrawer, { props: { modelValue: null, mayUnmask: false }, global: { plugins: [i18n, { install: installElementPlus }] }, attachTo: document.body })
  await w.setProps({ modelValue: 41 })
  await flushPromises()
  return w
}

beforeEach(() => {
  asked.length = 0
  document.body.innerHTML = ''
})

describe('ResidentDrawer health code', () => {
  it('shows the colour and its reasons with healthcode.read', async () => {
    const w = await open(['area.read', 'personal.read', 'healthcode.read'])
    expect(asked).toEqual([41])
    const code = document.querySelector('[data-test=drawer-code]')!
    expect(code.getAttribute('data-colour')).toBe('red')
    expect(code.textContent).toContain('Red')
    expect([...document.querySelectorAll('[data-test=drawer-code-reason]')].map((r) => r.textContent?.trim())).toEqual(['居住在高风险区：金昌社区'])
    w.unmount()
  })

  it('asks nothing without healthcode.read', async () => {
    const w = await open(['area.read', 'personal.read'])
    expect(asked).toEqual([])
    expect(document.querySelector('[data-test=drawer-code]')).toBeNull()
    w.unmount()
  })
})
