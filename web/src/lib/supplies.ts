// Supplies to closed compounds (封闭小区生活物资保供) on the client: who sees which page,
// and the order actions a state allows. The server decides (docs/livelihood.md); these
// only shape what is shown.
import type { SupplyOrder, SupplyOrderState } from '../api/types'
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
