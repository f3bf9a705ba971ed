import { describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import { ApiError } from '../../src/api/client'
import en from '../../src/i18n/en'
import zhCN from '../../src/i18n/zh-CN'
import { installElementPlus } from '../../src/plugins'

const asked: unknown[] = []
let answer: () => Promise<unknown> = async () => ({ items: [] })
vi.mock('../../src/api', () => ({
  api: {
    evaluation: vi.fn(async (n: number[]) => {
      asked.push(n)
      return answer()
    }),
  },
}))

import EvaluationPanel from '../../src/components/EvaluationPanel.vue'

function mountPanel() {
  const i18n = createI18n({ legacy: false, locale: 'zh-CN', fallbackLocale: 'zh-CN', messages: { 'zh-CN': zhCN, en } })
  return mount(EvaluationPanel, {
    global: { plugins: [i18n, { install: installElementPlus }], stubs: { RecallCurve: { props: ['evaluation'], template: '<div data-test="recall-curve-stub" />' } } },
  })
}

describe('EvaluationPanel', () => {
  it('says there is no generated outbreak when the API answers 404', async () => {
    answer = async () => {
      throw new ApiError(404, { title: 'Not found', detail: 'no outbreak truth in the store' })
    }
    const w = mountPanel()
    await flushPromises()
    expect(asked.at(-1)).toEqual([10])
    expect(w.find('[data-test=eval-no-outbreak]').text()).toContain('没有生成的疫情')
    expect(w.find('[data-test=recall-curve-stub]').exists()).toBe(false)
    w.unmount()
  })

  it('draws the curve and the tables from an evaluation', async () => {
    const curve = (r: number[]) => ({ at_k: [5, 10, 20, 50, 100, 500].map((k, i) => ({ k, listed: k, caught: 1, recall: r[i] })), needed: [{ recall: 0.8, per_case: 50, listed: 250 }] })
    answer = async () => ({
      items: [
        {
          n: 10, infected_by_then: 20, infected_total: 25, listed_close: 1000, listed_secondary: 0, caught_close: 15, caught_secondary: 0,
          recall_close: 0.75, recall_both: 0.75, true_source_venue_id: 3, true_source_rank: 1, tier_rules_version: 0,
          tiers: [{ tier: 'close', listed: 9, caught: 2, recall: 0.1, per_case: 0.9 }],
          ranked: curve([0.1, 0.2, 0.5, 0.8, 0.85, 0.9]), unranked: { ...curve([0, 0, 0.05, 0.05, 0.05, 0.1]), needed: [{ recall: 0.8, per_case: null, listed: null }] },
          ranked_for_ring_recall: 300, ranked_share_of_ring: 0.3,
        },
      ],
    })
    const w = mountPanel()
    await flushPromises()
    expect(w.find('[data-test=eval-no-outbreak]').exists()).toBe(false)
    expect(w.find('[data-test=recall-curve-stub]').exists()).toBe(true)
    expect(w.find('[data-test=eval-infected]').text()).toBe('20')
    expect(w.find('[data-test=eval-ring-equivalent]').text()).toContain('300')
    const needed = w.find('[data-test=eval-needed]').text()
    expect(needed).toContain('每例 50 人')
    expect(needed).toContain('达不到')
    w.unmount()
  })
})
