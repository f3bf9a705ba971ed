// The box hand-over (转运交接) on the client: the list of tubes scanned into a box, each
// checked against the server's tube (closed, not yet in another box), the request, and
// the server's refusal folded back onto the tubes it names ("tubes[3]: …"). Nothing here
// talks to the server; ShipView does, in the order the sampler scans.
import { ApiError } from '../api/client'
import type { NewShipment, TubeDetail } from '../api/types'
import { isBarcode, normalizeCode } from './testing'

export type BoxTubeStatus = 'checking' | 'ready' | 'warning' | 'error'

export interface BoxTube {
  barcode: string
  status: BoxTubeStatus
  /** People in the tube, once the server's tube is known. */
  members?: number
  /** A message key (`local`) or the server's own words. */
  message?: string
  params?: Record<string, string | number>
  local?: boolean
}

/** The most tubes one box may take (the server's limit). */
export const BOX_MAX = 10_000

export type AddOutcome = 'added' | 'duplicate' | 'invalid' | 'none'

/** A scanned code: a new tube at the end of the list (checked next), or why not. */
export function addToBox(list: readonly BoxTube[], raw: string): { list: BoxTube[]; outcome: AddOutcome; code: string } {
  const code = normalizeCode(raw)
  if (!code) return { list: [...list], outcome: 'none', code }
  if (!isBarcode(code)) return { list: [...list], outcome: 'invalid', code }
  if (list.some((t) => t.barcode === code)) return { list: [...list], outcome: 'duplicate', code }
  return { list: [...list, { barcode: code, status: 'checking' }], outcome: 'added', code }
}

export function removeFromBox(list: readonly BoxTube[], barcode: string): BoxTube[] {
  return list.filter((t) => t.barcode !== barcode)
}

function update(list: readonly BoxTube[], barcode: string, patch: (t: BoxTube) => BoxTube): BoxTube[] {
  return list.map((t) => (t.barcode === barcode ? patch(t) : t))
}

/**
 * The server's tube for a scanned barcode: ready when closed and in no other box; a
 * still-open tube or one already shipped in another box is flagged; null (no such tube,
 * or not one of the sampler's sites) is an error.
 */
export function checkTube(list: readonly BoxTube[], barcode: string, tube: TubeDetail | null, box: string): BoxTube[] {
  return update(list, barcode, (t) => {
    if (!tube) return { barcode: t.barcode, status: 'error', message: 'ship.notFound', local: true }
    const members = tube.members.length
    if (!tube.closed_at) return { barcode: t.barcode, status: 'warning', members, message: 'ship.stillOpen', local: true }
    if (tube.sent_at && tube.box && tube.box !== box.trim()) {
      return { barcode: t.barcode, status: 'warning', members, message: 'ship.shippedIn', params: { box: tube.box }, local: true }
    }
    return { barcode: t.barcode, status: 'ready', members }
  })
}

/** The check itself failed (network, server): the tube stays listed, unchecked, with the reason. */
export function checkFailed(list: readonly BoxTube[], barcode: string, message: string, local: boolean): BoxTube[] {
  return update(list, barcode, (t) => ({ ...t, status: 'warning', message, local }))
}

export interface BoxCounts {
  tubes: number
  ready: number
  flagged: number
  checking: number
  people: number
}

export function boxCounts(list: readonly BoxTube[]): BoxCounts {
  return {
    tubes: list.length,
    ready: list.filter((t) => t.status === 'ready').length,
    flagged: list.filter((t) => t.status === 'warning' || t.status === 'error').length,
    checking: list.filter((t) => t.status === 'checking').length,
    people: list.reduce((n, t) => n + (t.members ?? 0), 0),
  }
}

export type ShipFormErrors = Partial<Record<'box' | 'lab' | 'tubes', string>>

/** The request for the box, or what is missing (message keys). Flagged tubes are sent too: the server decides. */
export function shipRequest(box: string, lab: string, list: readonly BoxTube[]): { request: NewShipment | null; errors: ShipFormErrors } {
  const errors: ShipFormErrors = {}
  const b = normalizeCode(box)
  const l = lab.trim()
  if (!b) errors.box = 'ship.needBox'
  else if (new TextEncoder().encode(b).length > 64) errors.box = 'ship.badBox'
  if (!l) errors.lab = 'ship.needLab'
  if (!list.length) errors.tubes = 'ship.needTubes'
  else if (list.length > BOX_MAX) errors.tubes = 'ship.tooMany'
  if (Object.keys(errors).length) return { request: null, errors }
  return { request: { box: b, lab: l, tubes: list.map((t) => t.barcode) }, errors }
}

/**
 * The server refused the box: each `tubes[i]` error marks the i-th tube sent (by its
 * barcode, so the list may have been reordered meanwhile); `box`, `lab` and `tubes`
 * errors go to the form; anything else is the general message.
 */
export function applyShipError(
  list: readonly BoxTube[],
  sent: readonly string[],
  e: unknown,
): { list: BoxTube[]; fields: ShipFormErrors; general: string | null; marked: number } {
  const fields: ShipFormErrors = {}
  let out = [...list]
  let marked = 0
  if (!(e instanceof ApiError) || e.status === 0) return { list: out, fields, general: null, marked }
  for (const fe of e.errors) {
    const m = /^tubes\[(\d+)\]$/.exec(fe.field)
    const barcode = m ? sent[Number(m[1])] : undefined
    if (barcode !== undefined) {
      out = update(out, barcode, (t) => ({ ...t, status: 'error', message: fe.message, params: undefined, local: false }))
      marked++
    } else if (fe.field === 'box' || fe.field === 'lab' || fe.field === 'tubes') {
      fields[fe.field] ??= fe.message
    }
  }
  const general = marked || Object.keys(fields).length ? null : e.detail || e.title || `HTTP ${e.status}`
  return { list: out, fields, general, marked }
}
