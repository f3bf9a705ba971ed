// Supplies to closed compounds (封闭小区生活物资保供) on the client: who sees which page,
// the order actions a state allows, and the desk's delivery-point and stock forms (what is
// sent, what the server would refuse). The server decides (docs/livelihood.md); these
// only shape what is shown.
import type { DeliveryPoint, DeliveryPointPatch, NewDeliveryPoint, SupplyItem, SupplyOrder, SupplyOrderState } from '../api/types'
import { splitList, utf8Bytes } from './forms'
import type { PageUser } from './testing'

export const LIVELIHOOD_READ = 'livelihood.read'
export const LIVELIHOOD_WRITE = 'livelihood.write'
export const LIVELIHOOD_CLOSE = 'livelihood.close'

/**
 * The supplies pages, in tab order: 今日配送 deliveries (a volunteer's or grid worker's
 * phone page: the orders out with them, marked delivered with the drop point;
 * livelihood.write) and 保供调度 desk (the command centre: closures, points, orders by
 * state, shortage flags; livelihood.read).
 */
export type SuppliesPage = 'deliveries' | 'desk'
export const SUPPLIES_PAGES: readonly SuppliesPage[] = ['deliveries', 'desk']

export const SUPPLIES_PAGE_PERMISSION: Record<SuppliesPage, string> = {
  deliveries: LIVELIHOOD_WRITE,
  desk: LIVELIHOOD_READ,
}

export function suppliesPageAllowed(page: SuppliesPage, permissions: readonly string[] | undefined, _user?: PageUser | null): boolean {
  return !!permissions?.includes(SUPPLIES_PAGE_PERMISSION[page])
}

export function suppliesPages(permissions: readonly string[] | undefined, user?: PageUser | null): SuppliesPage[] {
  return SUPPLIES_PAGES.filter((p) => suppliesPageAllowed(p, permissions, user))
}

/** The first supplies page a user may open: the command centre's desk for those who only read. */
export function suppliesHome(permissions: readonly string[] | undefined, user?: PageUser | null): SuppliesPage | null {
  return suppliesPages(permissions, user)[0] ?? null
}

export type PointKind = DeliveryPoint['kind']
export const POINT_KINDS: readonly PointKind[] = ['large', 'small']

export const ORDER_STATES: readonly SupplyOrderState[] = ['placed', 'accepted', 'packed', 'out_for_delivery', 'delivered', 'failed']

/** The next step of an order in the desk's table (deliver is the volunteer's, on the phone page). */
export function nextAction(state: SupplyOrderState): 'accept' | 'pack' | 'dispatch' | null {
  if (state === 'placed') return 'accept'
  if (state === 'accepted') return 'pack'
  if (state === 'packed') return 'dispatch'
  return null
}

/** Whether an order can still be failed (with a reason). */
export function mayFail(state: SupplyOrderState): boolean {
  return state === 'accepted' || state === 'packed' || state === 'out_for_delivery'
}

/** "veg-box-a ×2, rice-5kg ×1" */
export function itemsText(o: Pick<SupplyOrder, 'items'>): string {
  return o.items.map((i) => `${i.item} ×${i.quantity}`).join(', ')
}

// ---- Delivery points and their stock: the desk's forms (POST/PATCH /supplies/points, PUT .../stock) ----

export const POINT_MAX_CAPACITY = 1_000_000
export const STOCK_MAX_QUANTITY = 1_000_000_000

/** The delivery-point form: served areas as typed (codes separated by commas or spaces). */
export interface PointForm {
  kind: PointKind
  name: string
  capacity_per_day: number
  area_code: string
  address: string
  serves: string
  active: boolean
}

export function emptyPointForm(areaCode = ''): PointForm {
  return { kind: 'small', name: '', capacity_per_day: 100, area_code: areaCode, address: '', serves: '', active: true }
}

export function pointFormOf(p: DeliveryPoint): PointForm {
  return {
    kind: p.kind,
    name: p.name,
    capacity_per_day: p.capacity_per_day,
    area_code: p.area_code,
    address: p.address,
    serves: p.serves.join(', '),
    active: p.active,
  }
}

/**
 * The problems the server would name for a point (field → i18n key): a name of 1–200
 * bytes, 1–1,000,000 orders a day, an area code when creating, an address ≤ 400 bytes,
 * one to 500 served areas.
 */
export function pointProblems(f: PointForm, creating: boolean): Record<string, string> {
  const out: Record<string, string> = {}
  const name = f.name.trim()
  if (!name) out.name = 'forms.problem.required'
  else if (utf8Bytes(name) > 200) out.name = 'forms.problem.tooLong'
  if (!Number.isInteger(f.capacity_per_day) || f.capacity_per_day < 1 || f.capacity_per_day > POINT_MAX_CAPACITY) {
    out.capacity_per_day = 'forms.point.problem.capacity'
  }
  if (creating && !f.area_code.trim()) out.area_code = 'forms.problem.required'
  if (utf8Bytes(f.address.trim()) > 400) out.address = 'forms.problem.tooLong'
  const serves = splitList(f.serves)
  if (!serves.length) out.serves = 'forms.point.problem.serves'
  else if (serves.length > 500) out.serves = 'forms.point.problem.servesMany'
  return out
}

export function newPointBody(f: PointForm): NewDeliveryPoint {
  const body: NewDeliveryPoint = {
    kind: f.kind,
    name: f.name.trim(),
    capacity_per_day: f.capacity_per_day,
    area_code: f.area_code.trim(),
    serves: splitList(f.serves),
  }
  if (f.address.trim()) body.address = f.address.trim()
  return body
}

/** The body of PATCH /supplies/points/{id}: only the fields that changed (kind and area cannot). */
export function pointPatch(before: DeliveryPoint, f: PointForm): DeliveryPointPatch {
  const p: DeliveryPointPatch = {}
  if (f.name.trim() !== before.name) p.name = f.name.trim()
  if (f.address.trim() !== before.address) p.address = f.address.trim()
  if (f.capacity_per_day !== before.capacity_per_day) p.capacity_per_day = f.capacity_per_day
  const serves = splitList(f.serves)
  if ([...serves].sort().join('\n') !== [...before.serves].sort().join('\n')) p.serves = serves
  if (f.active !== before.active) p.active = f.active
  return p
}

/** A line of the stock editor: an item the point has (`known`) or a new one. */
export interface StockLine {
  item: string
  quantity: number | null
  known: boolean
}

export function stockLinesOf(p: Pick<DeliveryPoint, 'stock'>): StockLine[] {
  return p.stock.map((s) => ({ item: s.item, quantity: s.quantity, known: true }))
}

/**
 * What PUT .../stock needs to carry: the lines whose quantity changed or that are new
 * (absolute quantities; packing may have taken from the others since the editor
 * opened, so they are not sent), with `rows[i]` the editor row of `items[i]`.
 */
export function stockChanges(lines: readonly StockLine[], before: Pick<DeliveryPoint, 'stock'>): { items: SupplyItem[]; rows: number[] } {
  const had = new Map(before.stock.map((s) => [s.item, s.quantity]))
  const items: SupplyItem[] = []
  const rows: number[] = []
  lines.forEach((l, row) => {
    const item = l.item.trim()
    if (l.quantity === null || had.get(item) === l.quantity) return
    items.push({ item, quantity: l.quantity })
    rows.push(row)
  })
  return { items, rows }
}

/**
 * The problems of the editor's rows (field `items[row].item` / `.quantity` → i18n key),
 * as the server names them: an item 1–100 bytes and not twice, a whole quantity 0–1e9.
 */
export function stockProblems(lines: readonly StockLine[]): Record<string, string> {
  const out: Record<string, string> = {}
  const seen = new Set<string>()
  lines.forEach((l, row) => {
    const item = l.item.trim()
    if (!item) out[`items[${row}].item`] = 'forms.problem.required'
    else if (utf8Bytes(item) > 100) out[`items[${row}].item`] = 'forms.problem.tooLong'
    else if (seen.has(item)) out[`items[${row}].item`] = 'forms.stock.problem.twice'
    seen.add(item)
    if (l.quantity === null || !Number.isInteger(l.quantity) || l.quantity < 0 || l.quantity > STOCK_MAX_QUANTITY) {
      out[`items[${row}].quantity`] = 'forms.stock.problem.quantity'
    }
  })
  return out
}

/** The server's field errors for the items it was sent (`items[i].…`), moved to the editor's rows. */
export function stockErrorsToRows(errors: Record<string, string>, rows: readonly number[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [field, message] of Object.entries(errors)) {
    const m = /^items\[(\d+)\](.*)$/.exec(field)
    const row = m ? rows[Number(m[1])] : undefined
    out[m && row !== undefined ? `items[${row}]${m[2]}` : field] = message
  }
  return out
}
