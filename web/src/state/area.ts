// The area the user is looking at (the `:code` in the URL), its counts, and the trail
// from the user's own node down to it for the breadcrumb and the tree. Names seen
// anywhere (tree, map, search) are remembered so the trail rarely costs a request.
import { reactive } from 'vue'
import { api } from '../api'
import type { Area, AreaDetail } from '../api/types'
import { pathCodes } from '../lib/labels'
import { session } from './session'

export interface TrailItem {
  code: string
  name: string
}

export const areaState = reactive({
  code: '',
  detail: null as AreaDetail | null,
  trail: [] as TrailItem[],
  loading: false,
  error: null as unknown,
})

const names = new Map<string, string>()
let seq = 0

export function rememberAreas(items: ReadonlyArray<Pick<Area, 'code' | 'name'>>): void {
  for (const a of items) names.set(a.code, a.name)
}

export function areaName(code: string): string {
  return names.get(code) ?? code
}

export async function selectArea(code: string): Promise<void> {
  if (code === areaState.code && areaState.detail && !areaState.error) return
  const mine = ++seq
  areaState.code = code
  areaState.loading = true
  areaState.error = null
  try {
    const detail = await api.area(code)
    if (mine !== seq) return
    rememberAreas([detail])
    const codes = pathCodes(detail.path, session.me?.area_code ?? detail.code)
    const missing = codes.filter((c) => !names.has(c))
    const fetched = await Promise.all(missing.map((c) => api.area(c)))
    if (mine !== seq) return
    rememberAreas(fetched)
    areaState.detail = detail
    areaState.trail = (codes.length ? codes : [detail.code]).map((c) => ({ code: c, name: areaName(c) }))
  } catch (e) {
    if (mine !== seq) return
    areaState.detail = null
    areaState.error = e
  } finally {
    if (mine === seq) areaState.loading = false
  }
}

/**
 * The trail from the user's own node down to `code` (for pages that are not about the
 * selected area, e.g. a testing round's drill-down); names come from the cache or are asked.
 */
export async function trailOf(code: string): Promise<TrailItem[]> {
  const detail = await api.area(code)
  rememberAreas([detail])
  const codes = pathCodes(detail.path, session.me?.area_code ?? detail.code)
  const missing = codes.filter((c) => !names.has(c))
  rememberAreas(await Promise.all(missing.map((c) => api.area(c))))
  return (codes.length ? codes : [detail.code]).map((c) => ({ code: c, name: areaName(c) }))
}

/** Reloads the counts of the current area in place (after a merge changes them). */
export async function refreshArea(): Promise<void> {
  const code = areaState.code
  if (!code) return
  const detail = await api.area(code)
  if (code === areaState.code) areaState.detail = detail
}

export function resetArea(): void {
  seq++
  areaState.code = ''
  areaState.detail = null
  areaState.trail = []
  areaState.error = null
  areaState.loading = false
}
