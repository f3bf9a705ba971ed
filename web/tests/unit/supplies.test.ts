// The supplies pages' rules (lib/supplies.ts): pages by permission, the desk's next step per
// order state, when an order may be failed, the items as one line.
import { describe, expect, it } from 'vitest'
import { itemsText, mayFail, nextAction, suppliesHome, suppliesPageAllowed, suppliesPages } from '../../src/lib/supplies'

describe('supplies pages', () => {
  it('gives a volunteer the deliveries first and a commander only the desk', () => {
    expect(suppliesPages(['livelihood.read', 'livelihood.write'])).toEqual(['deliveries', 'desk'])
    expect(suppliesHome(['livelihood.read', 'livelihood.write'])).toBe('deliveries')
    expect(suppliesHome(['livelihood.read', 'livelihood.close'])).toBe('desk')
    expect(suppliesPageAllowed('deliveries', ['livelihood.read'])).toBe(false)
    expect(suppliesHome(['hotline.read'])).toBeNull()
  })
})

describe('order steps', () => {
  it('offers the next step of the desk and failing only while an order is on its way', () => {
    expect(nextAction('placed')).toBe('accept')
    expect(nextAction('accepted')).toBe('pack')
    expect(nextAction('packed')).toBe('dispatch')
    expect(nextAction('out_for_delivery')).toBeNull()
    expect(nextAction('delivered')).toBeNull()
    expect(mayFail('placed')).toBe(false)
    expect(mayFail('out_for_delivery')).toBe(true)
    expect(mayFail('failed')).toBe(false)
    expect(itemsText({ items: [{ item: 'veg-box-a', quantity: 2 }, { item: 'rice-5kg', quantity: 1 }] })).toBe('veg-box-a ×2, rice-5kg ×1')
  })
})
