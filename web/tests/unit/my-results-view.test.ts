// A resident's own results page with the API mocked: newest first with the latest on top
// in its colour; an account not linked to a resident (404) is told so, not shown an error.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import { ApiError } from '../../src/api/client'
import type { MyResults } from '../../src/api/types'
import en from '../../src/i18n/en'
import zhCN from '../../src/i18n/zh-CN'
import { installElementPlus } from '../../src/plugins'

let answer: MyResults | ApiError

vi.mock('../../src/api', () => ({
  api: {
    myResults: vi.fn(async () => {
      if (answer instanceof ApiError) throw answer
      return answer
    }),
  },
}))

const MyResultsView = (await import('../../src/views/MyResultsView.vue')).default

function mountView() {
  const i18n = createI18n({ legacy: false, locale: 'en', fallbackLocale: 'zh-CN', messages: { 'zh-CN': zhCN, en } })
  return mount(MyResultsView, { global: { plugins: [i18n, { install: installElementPlus }] } })
}

beforeEach(() => {
  answer = { resident_id: 1, items: [] }
})

describe('MyResultsView', () => {
  it('lists results newest first with the latest on top, pending in grey', async () => {
    answer = {
      resident_id: 1,
      items: [
        { round_id: 1, round: 'Round 1', tube: 'P1', kind: 'pool', sampled_at: '2022-03-09T09:00:00+08:00', result: 'negative', resulted_at: '2022-03-09T18:00:00+08:00' },
        { round_id: 2, round: 'Round 2', tube: 'P2', kind: 'pool', sampled_at: '2022-03-10T09:00:00+08:00', result: null, resulted_at: null },
      ],
    }
    const w = mountView()
    await flushPromises()
    expect(w.findAll('[data-test=my-item]').map((i) => i.attributes('data-result'))).toEqual(['pending', 'negative'])
    expect(w.find('[data-test=my-latest]').attributes('data-result')).toBe('pending')
    expect(w.find('[data-test=my-latest]').text()).toContain('Pending')
    expect(w.findAll('[data-test=my-result]').map((r) => r.text())).toEqual(['Pending', 'Negative'])
  })

  it('says plainly when the account is not linked to a resident', async () => {
    answer = new ApiError(404, { detail: 'this account is not linked to a resident' })
    const w = mountView()
    await flushPromises()
    expect(w.find('[data-test=my-not-linked]').text()).toContain('not linked to a resident')
    expect(w.find('[data-test=my-list]').exists()).toBe(false)
  })

  it('says when there is no result yet', async () => {
    const w = mountView()
    await flushPromises()
    expect(w.find('[data-test=my-none]').exists()).toBe(true)
  })
})
