// The quarantine health-check fields shared by the site's form and the resident's own:
// two-way bound, a field in error when a problem names it.
import { describe, expect, it } from 'vitest'
import { defineComponent, h, nextTick, reactive, ref, resolveComponent } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import HealthCheckFields from '../../src/components/HealthCheckFields.vue'
import en from '../../src/i18n/en'
import zhCN from '../../src/i18n/zh-CN'
import { installElementPlus } from '../../src/plugins'

function plugins() {
  const i18n = createI18n({ legacy: false, locale: 'en', fallbackLocale: 'zh-CN', messages: { 'zh-CN': zhCN, en } })
  return { global: { plugins: [i18n, { install: installElementPlus }] } }
}

describe('HealthCheckFields', () => {
  it('binds the temperature and symptoms both ways and marks the field a problem names', async () => {
    const form = reactive<{ temperature: number | undefined; symptoms: string }>({ temperature: undefined, symptoms: '' })
    const problems = ref<Record<string, string>>({})
    const w = mount(
      defineComponent({
        setup: () => () =>
          h(resolveComponent('el-form'), { labelPosition: 'top' }, () =>
            h(HealthCheckFields, {
              temperature: form.temperature,
              'onUpdate:temperature': (v: number | undefined) => (form.temperature = v),
              symptoms: form.symptoms,
              'onUpdate:symptoms': (v: string) => (form.symptoms = v),
              problems: problems.value,
              testPrefix: 'myq-',
            }),
          ),
      }),
      plugins(),
    )
    await w.find('[data-test=myq-temperature] input').setValue('38.26')
    await w.find('[data-test=myq-temperature] input').trigger('change')
    await w.find('input[data-test=myq-symptoms]').setValue('cough')
    expect(form.temperature).toBe(38.3)
    expect(form.symptoms).toBe('cough')
    form.symptoms = 'fever'
    await nextTick()
    expect((w.find('input[data-test=myq-symptoms]').element as HTMLInputElement).value).toBe('fever')
    problems.value = { temperature_c: 'out of range' }
    await flushPromises()
    const failing = w.findAll('.el-form-item.is-error')
    expect(failing).toHaveLength(1)
    expect(failing[0].find('[data-test=myq-temperature]').exists()).toBe(true)
  })
})
