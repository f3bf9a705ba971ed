// A form's problems (useFormProblems): the server's refusal of the input by field and as a
// whole on the form; any other failure reported as a message, not put on the form.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import { mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import { ApiError } from '../../src/api/client'
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
