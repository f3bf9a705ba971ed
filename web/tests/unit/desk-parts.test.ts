// The pieces the desk pages share: the title row (title, refresh button that spins while
// loading and asks the page to reload), the titled section (attributes land on the
// <section>), a desk's data (overview and filtered list on mount, the filtered list alone
// when the filter changes, failures reported), and a form's problems (useFormProblems:
// the server's refusal of the input by field and as a whole on the form; any other
// failure reported as a message, not put on the form).
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h, nextTick, ref } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import { ApiError } from '../../src/api/client'
import DeskHeader from '../../src/components/DeskHeader.vue'
import DeskSection from '../../src/components/DeskSection.vue'
import { useDeskData } from '../../src/composables/useDeskData'
import { useFormProblems } from '../../src/composables/useFormProblems'
import en from '../../src/i18n/en'
import zhCN from '../../src/i18n/zh-CN'
import { installElementPlus } from '../../src/plugins'

const reported: unknown[] = []
vi.mock('element-plus', async (importOriginal) => {
  const real = await importOriginal<typeof import('element-plus')>()
  return { ...real, ElMessage: (m: unknown) => void reported.push(m) }
})

function plugins() {
  const i18n = createI18n({ legacy: false, locale: 'en', fallbackLocale: 'zh-CN', messages: { 'zh-CN': zhCN, en } })
  return { global: { plugins: [i18n, { install: installElementPlus }] } }
}

beforeEach(() => {
  reported.length = 0
})

describe('DeskHeader', () => {
  it('shows the title and asks for a refresh from the button named by refreshTest', async () => {
    const w = mount(DeskHeader, { props: { title: 'Supplies desk', loading: false, refreshTest: 'desk-refresh' }, ...plugins() })
    expect(w.find('h2').text()).toBe('Supplies desk')
    const button = w.find('[data-test=desk-refresh]')
    expect(button.attributes('aria-label')).toBe(en.common.refresh)
    await button.trigger('click')
    expect(w.emitted('refresh')).toHaveLength(1)
  })
  it('spins the button while the page loads', () => {
    const w = mount(DeskHeader, { props: { title: 'x', loading: true, refreshTest: 'r' }, ...plugins() })
    expect(w.find('[data-test=r]').classes()).toContain('is-loading')
  })
})

describe('DeskSection', () => {
  it('puts the title over the slot and the attributes on the section', () => {
    const w = mount(DeskSection, { props: { title: 'Closures' }, attrs: { 'data-test': 'desk-closures' }, slots: { default: '<table id="t"></table>' } })
    expect(w.element.tagName).toBe('SECTION')
    expect(w.attributes('data-test')).toBe('desk-closures')
    expect(w.find('h3').text()).toBe('Closures')
    expect(w.find('h3 + #t').exists()).toBe(true)
  })
})

describe('useDeskData', () => {
  function desk(overview: () => Promise<void>) {
    const filter = ref('placed')
    const calls: string[] = []
    let desk!: ReturnType<typeof useDeskData>
    mount(
      defineComponent({
        setup() {
          desk = useDeskData(
            filter,
            async () => {
              calls.push('overview')
              await overview()
            },
            async () => void calls.push(`filtered:${filter.value}`),
          )
          return () => h('div')
        },
      }),
      plugins(),
    )
    return { filter, calls, desk }
  }

  it('loads the overview, then the filtered list, on mount and on load()', async () => {
    const { calls, desk: d } = desk(async () => {})
    expect(d.loading.value).toBe(true)
    await flushPromises()
    expect(d.loading.value).toBe(false)
    expect(calls).toEqual(['overview', 'filtered:placed'])
    await d.load()
    expect(calls).toEqual(['overview', 'filtered:placed', 'overview', 'filtered:placed'])
  })
  it('refetches only the filtered list when the filter changes', async () => {
    const { filter, calls } = desk(async () => {})
    await flushPromises()
    calls.length = 0
    filter.value = 'packed'
    await nextTick()
    await flushPromises()
    expect(calls).toEqual(['filtered:packed'])
  })
  it('reports a failed overview and stops loading without fetching the filtered list', async () => {
    const { calls, desk: d } = desk(async () => {
      throw new ApiError(503, { title: 'Unavailable' })
    })
    await flushPromises()
    expect(calls).toEqual(['overview'])
    expect(d.loading.value).toBe(false)
    expect(reported).toHaveLength(1)
  })
})

describe('useFormProblems', () => {
  function withForm(refusals?: number[]) {
    let form!: ReturnType<typeof useFormProblems>
    mount(
      defineComponent({
        setup() {
          form = refusals ? useFormProblems(refusals) : useFormProblems()
          return () => h('div')
        },
      }),
      plugins(),
    )
    return form
  }
  const refusal = (status: number) =>
    new ApiError(status, { title: 'Invalid request', detail: 'phone: not a phone number', errors: [{ field: 'phone', message: 'not a phone number' }] })

  it('puts a 400 or 422 on the form by field and as a whole, without a message', () => {
    for (const status of [400, 422]) {
      const f = withForm()
      f.showFailure(refusal(status))
      expect(f.problems.value).toEqual({ phone: 'not a phone number' })
      expect(f.failure.value).toBe('phone: not a phone number')
    }
    expect(reported).toEqual([])
  })
  it('falls back to the title when the refusal has no detail', () => {
    const f = withForm()
    f.showFailure(new ApiError(422, { title: 'Invalid request' }))
    expect(f.failure.value).toBe('Invalid request')
  })
  it('reports any other failure and leaves the form alone', () => {
    const f = withForm()
    f.showFailure(refusal(409))
    f.showFailure(new ApiError(500, { request_id: 'r1' }))
    expect(f.problems.value).toEqual({})
    expect(f.failure.value).toBe('')
    expect(reported).toHaveLength(2)
  })
  it('takes further statuses as refusals when asked', () => {
    const f = withForm([400, 422, 409])
    f.showFailure(refusal(409))
    expect(f.failure.value).toBe('phone: not a phone number')
    expect(reported).toEqual([])
  })
  it('clears both', () => {
    const f = withForm()
    f.showFailure(refusal(422))
    f.clear()
    expect(f.problems.value).toEqual({})
    expect(f.failure.value).toBe('')
  })
})
