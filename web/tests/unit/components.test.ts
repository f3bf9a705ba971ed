import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createApp } from 'vue'
import { mount } from '@vue/test-utils'
import { createI18n } from 'vue-i18n'
import MaskedText from '../../src/components/MaskedText.vue'
import ModeBadge from '../../src/components/ModeBadge.vue'
import en from '../../src/i18n/en'
import zhCN from '../../src/i18n/zh-CN'
import { installElementPlus } from '../../src/plugins'

const SRC = join(__dirname, '../../src')

function vueFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    return statSync(p).isDirectory() ? vueFiles(p) : p.endsWith('.vue') ? [p] : []
  })
}

function i18n(locale = 'zh-CN') {
  return createI18n({ legacy: false, locale, fallbackLocale: 'zh-CN', messages: { 'zh-CN': zhCN, en } })
}

function withPlugins() {
  return { global: { plugins: [i18n(), { install: installElementPlus }] } }
}

describe('Element Plus registration', () => {
  it('registers every <el-*> component the templates use', () => {
    // An unregistered component renders as an unknown element with no warning in production.
    const app = createApp({})
    installElementPlus(app)
    const tags = new Set<string>()
    for (const f of vueFiles(SRC)) {
      for (const m of readFileSync(f, 'utf8').matchAll(/<(el-[a-z-]+)/g)) tags.add(m[1])
    }
    expect(tags.size).toBeGreaterThan(20)
    const pascal = (tag: string) => tag.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase())
    const missing = [...tags].filter((t) => !app.component(pascal(t)))
    expect(missing).toEqual([])
  })
})

describe('MaskedText', () => {
  it('dims the masked runs and keeps the visible ones', () => {
    const w = mount(MaskedText, { props: { value: '220102********0015' }, ...withPlugins() })
    expect(w.text()).toBe('220102********0015')
    expect(w.findAll('.mask-run').map((s) => s.text())).toEqual(['********'])
    expect(w.attributes('title')).toBe('已脱敏')
  })
  it('shows an unmasked value as it is, without the masked hint', () => {
    const w = mount(MaskedText, { props: { value: '220102199210050015' }, ...withPlugins() })
    expect(w.findAll('.mask-run')).toHaveLength(0)
    expect(w.attributes('title')).toBeUndefined()
  })
  it('shows a dash for an empty value', () => {
    const w = mount(MaskedText, { props: { value: '' }, ...withPlugins() })
    expect(w.text()).toBe('—')
  })
})

describe('ModeBadge', () => {
  it('translates the mode and marks wartime as danger', async () => {
    const w = mount(ModeBadge, { props: { mode: 'wartime' }, ...withPlugins() })
    expect(w.text()).toBe('战时')
    expect(w.find('.el-tag').classes()).toContain('el-tag--danger')
    await w.setProps({ mode: 'peacetime' })
    expect(w.text()).toBe('平时')
    expect(w.attributes('data-mode')).toBe('peacetime')
  })
})
