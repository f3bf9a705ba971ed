// The supplies pages' rules (lib/supplies.ts): pages by permission, the desk's next step per
// order state, when an order may be failed, the items as one line; the delivery-point
// form and the stock editor (only changed lines sent, errors at their rows).
import { describe, expect, it } from 'vitest'
import type { DeliveryPoint } from '../../src/api/types'
import {
  emptyPointForm,
  itemsText,
  mayFail,
  newPointBody,
  nextAction,
  pointFormOf,
  pointPatch,
  pointProblems,
  stockChanges,
  stockErrorsToRows,
  stockLinesOf,
  stockProblems,
  suppliesHome,
  suppliesPageAllowed,
  suppliesPages,
} from '../../src/lib/supplies'

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

describe('delivery point form', () => {
  const point: DeliveryPoint = {
    id: 4,
    kind: 'small',
    name: 'Gate 3 shelf',
    capacity_per_day: 200,
    area_code: '220102001001',
    address: '',
    active: true,
    serves: ['220102001001001', '220102001001002'],
    stock: [
      { item: 'rice-5kg', quantity: 40 },
      { item: 'veg-box-a', quantity: 10 },
    ],
    created_at: null,
  }

  it('names what the server would refuse and sends the served areas as a list', () => {
    const f = { ...emptyPointForm(''), capacity_per_day: 0 }
    expect(pointProblems(f, true)).toEqual({
      name: 'forms.problem.required',
      capacity_per_day: 'forms.point.problem.capacity',
      area_code: 'forms.problem.required',
      serves: 'forms.point.problem.serves',
    })
    const ok = { ...emptyPointForm('220102001001'), name: 'Gate 3 shelf', serves: '220102001001001\uff0c220102001001002' }
    expect(pointProblems(ok, true)).toEqual({})
    expect(newPointBody(ok)).toEqual({
      kind: 'small',
      name: 'Gate 3 shelf',
      capacity_per_day: 100,
      area_code: '220102001001',
      serves: ['220102001001001', '220102001001002'],
    })
  })

  it('sends only what changed; the served areas in another order are no change', () => {
    const f = pointFormOf(point)
    f.serves = '220102001001002, 220102001001001'
    expect(pointPatch(point, f)).toEqual({})
    f.active = false
    f.capacity_per_day = 300
    expect(pointPatch(point, f)).toEqual({ active: false, capacity_per_day: 300 })
  })
})

describe('stock editor', () => {
  const before = {
    stock: [
      { item: 'rice-5kg', quantity: 40 },
      { item: 'veg-box-a', quantity: 10 },
    ],
  }

  it('sends only the changed and new lines, remembering their rows', () => {
    const lines = stockLinesOf(before)
    expect(stockChanges(lines, before)).toEqual({ items: [], rows: [] })
    lines[1].quantity = 25
    lines.push({ item: ' masks ', quantity: 500, known: false })
    expect(stockChanges(lines, before)).toEqual({
      items: [
        { item: 'veg-box-a', quantity: 25 },
        { item: 'masks', quantity: 500 },
      ],
      rows: [1, 2],
    })
  })

  it('names a blank or repeated item and a quantity out of range at its row', () => {
    const lines = [
      ...stockLinesOf(before),
      { item: '', quantity: 1, known: false },
      { item: 'rice-5kg', quantity: -1, known: false },
      { item: 'oil', quantity: null, known: false },
    ]
    expect(stockProblems(lines)).toEqual({
      'items[2].item': 'forms.problem.required',
      'items[3].item': 'forms.stock.problem.twice',
      'items[3].quantity': 'forms.stock.problem.quantity',
      'items[4].quantity': 'forms.stock.problem.quantity',
    })
  })

  it("moves the server's field errors from the items sent to the editor's rows", () => {
    expect(stockErrorsToRows({ 'items[1].quantity': 'must be 0–1,000,000,000', items: 'name at least one item' }, [1, 4])).toEqual({
      'items[4].quantity': 'must be 0–1,000,000,000',
      items: 'name at least one item',
    })
  })
})
