// Every visible string goes through vue-i18n, in both languages: the two message files
// have the same keys, every key the code uses exists, and no component template holds
// literal text (Chinese or English) of its own.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse as parseSfc } from 'vue/compiler-sfc'
import en from '../../src/i18n/en'
import zhCN from '../../src/i18n/zh-CN'
import { CARE_TAGS, COVERAGE_LEVELS, LEVELS } from '../../src/api/types'
import { KNOWN_DUPLICATE_KEYS, KNOWN_HISTORY_KEYS, KNOWN_PROBLEM_KEYS } from '../../src/lib/labels'

const SRC = join(__dirname, '../../src')

type Tree = { [k: string]: string | Tree }

function keys(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : keys(v, `${prefix}${k}.`)))
}

function lookup(tree: Tree, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Tree)[part] : undefined), tree)
}

function files(dir: string, ext: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) return files(p, ext)
    return p.endsWith(ext) ? [p] : []
  })
}

const CJK = /[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]/
const ROLES = ['admin', 'commander', 'area_operator', 'grid_worker', 'hotline_agent', 'department_handler', 'enterprise_user', 'resident', 'sampler', 'lab_technician']

describe('message files', () => {
  it('have identical key sets in zh-CN and en', () => {
    const zh = keys(zhCN as Tree).sort()
    const e = keys(en as Tree).sort()
    expect(zh.filter((k) => !e.includes(k)), 'missing in en').toEqual([])
    expect(e.filter((k) => !zh.includes(k)), 'missing in zh-CN').toEqual([])
  })

  it('have no empty messages and no linked-message syntax by accident', () => {
    for (const tree of [zhCN, en] as Tree[]) {
      for (const k of keys(tree)) {
        const v = lookup(tree, k) as string
        expect(v.trim(), k).not.toBe('')
        expect(v, `${k} contains @ (linked message syntax)`).not.toMatch(/@/)
      }
    }
  })

  it('use the same placeholders in both languages', () => {
    const names = (s: string) => [...new Set([...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))].sort()
    for (const k of keys(zhCN as Tree)) {
      expect(names(lookup(en as Tree, k) as string), k).toEqual(names(lookup(zhCN as Tree, k) as string))
    }
  })

  it('name every role, level, care tag, mode and server phrase', () => {
    const needed = [
      ...ROLES.map((r) => `role.${r}`),
      ...LEVELS.map((l) => `level.${l}`),
      ...COVERAGE_LEVELS.map((l) => `level.${l}`),
      ...CARE_TAGS.map((t) => `tag.${t}`),
      'mode.peacetime',
      'mode.wartime',
      'sex.M',
      'sex.F',
      'status.active',
      'status.merged',
      ...KNOWN_PROBLEM_KEYS,
      ...KNOWN_DUPLICATE_KEYS,
      ...KNOWN_HISTORY_KEYS,
    ]
    for (const tree of [zhCN, en] as Tree[]) {
      for (const k of needed) expect(typeof lookup(tree, k), k).toBe('string')
    }
  })

  it('contain every key the code uses', () => {
    const used = new Set<string>()
    const prefixes = new Set<string>()
    for (const f of [...files(SRC, '.vue'), ...files(SRC, '.ts')]) {
      const text = readFileSync(f, 'utf8')
      for (const m of text.matchAll(/\bt\(\s*'([a-zA-Z0-9_.]+)'/g)) used.add(m[1])
      for (const m of text.matchAll(/\bt\(\s*`([a-zA-Z0-9_.]+)\.\$\{/g)) prefixes.add(m[1])
    }
    expect(used.size).toBeGreaterThan(50)
    for (const k of used) expect(typeof lookup(zhCN as Tree, k), `t('${k}')`).toBe('string')
    for (const p of prefixes) expect(typeof lookup(zhCN as Tree, p), `t(\`${p}.…\`)`).toBe('object')
  })
})

describe('components', () => {
  const vueFiles = files(SRC, '.vue')

  it('contain no Chinese text at all', () => {
    for (const f of vueFiles) {
      const lines = readFileSync(f, 'utf8').split('\n')
      const bad = lines.map((l, i) => [i + 1, l] as const).filter(([, l]) => CJK.test(l))
      expect(bad.map(([n, l]) => `${relative(SRC, f)}:${n}: ${l.trim()}`)).toEqual([])
    }
  })

  it('have no literal words in templates (text or visible attributes)', () => {
    const VISIBLE_ATTRS = new Set(['placeholder', 'title', 'label', 'alt', 'aria-label', 'description', 'content', 'text'])
    const found: string[] = []
    type AstNode = { type: number; content?: unknown; props?: AstNode[]; children?: AstNode[]; name?: string; value?: { content: string }; loc: { start: { line: number } } }
    function walk(node: AstNode, file: string) {
      if (node.type === 2 && typeof node.content === 'string' && /[A-Za-z]{2,}|[\u3400-\u9fff]/.test(node.content)) {
        found.push(`${file}:${node.loc.start.line}: text "${node.content.trim()}"`)
      }
      for (const p of node.props ?? []) {
        if (p.type === 6 && p.name && VISIBLE_ATTRS.has(p.name) && p.value && /[A-Za-z]{2,}|[\u3400-\u9fff]/.test(p.value.content)) {
          found.push(`${file}:${p.loc.start.line}: ${p.name}="${p.value.content}"`)
        }
      }
      for (const c of node.children ?? []) walk(c, file)
    }
    for (const f of vueFiles) {
      const { descriptor } = parseSfc(readFileSync(f, 'utf8'), { filename: f })
      if (descriptor.template?.ast) walk(descriptor.template.ast as unknown as AstNode, relative(SRC, f))
    }
    expect(found).toEqual([])
  })
})
