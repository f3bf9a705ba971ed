import { describe, expect, it } from 'vitest'
import { reliefSteps, returnSteps, yuan } from '../../src/lib/livelihood'

describe('livelihood steps', () => {
  it('offers the closed loop one stage at a time, with what each step needs', () => {
    expect(returnSteps('applied').map((s) => s.action)).toEqual(['review', 'reject', 'cancel'])
    expect(returnSteps('confirmed')[0]).toEqual({ action: 'release', input: 'transport' })
    expect(returnSteps('departed')).toEqual([{ action: 'arrive', input: 'received_by' }])
    expect(returnSteps('arrived')).toEqual([])
    expect(returnSteps('declined')).toEqual([])
  })
  it('approves, then pays with a reference; a closed application offers nothing', () => {
    expect(reliefSteps('applied').map((s) => s.action)).toEqual(['approve', 'reject'])
    expect(reliefSteps('approved')).toEqual([{ action: 'pay', input: 'payment_ref' }])
    expect(reliefSteps('paid')).toEqual([])
    expect(reliefSteps('rejected')).toEqual([])
  })
  it('shows fen as yuan', () => {
    expect(yuan(100000, 'en')).toBe('1,000.00')
    expect(yuan(5, 'en')).toBe('0.05')
  })
})
