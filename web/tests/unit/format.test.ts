import { describe, expect, it } from 'vitest'
import { coveredShare, formatArea, formatDateTime, formatDensity, formatNumber, formatPercent, measureRange } from '../../src/lib/format'

describe('formatNumber', () => {
  it('groups thousands in both languages', () => {
    expect(formatNumber(9070000, 'zh-CN')).toBe('9,070,000')
    expect(formatNumber(45335, 'en')).toBe('45,335')
  })
  it('shows a dash for missing values', () => {
    expect(formatNumber(undefined, 'zh-CN')).toBe('—')
    expect(formatNumber(null, 'en')).toBe('—')
    expect(formatNumber(Number.NaN, 'en')).toBe('—')
  })
  it('rounds to whole numbers unless asked', () => {
    expect(formatNumber(1234.56, 'en')).toBe('1,235')
    expect(formatNumber(1234.56, 'en', 1)).toBe('1,234.6')
  })
})

describe('formatDensity and formatArea', () => {
  it('keeps a decimal for sparse rural areas only', () => {
    expect(formatDensity(8.04, 'en')).toBe('8')
    expect(formatDensity(0.46, 'en')).toBe('0.5')
    expect(formatDensity(15234.4, 'zh-CN')).toBe('15,234')
  })
  it('scales the decimals of km² with size', () => {
    expect(formatArea(3.456, 'en')).toBe('3.46')
    expect(formatArea(42.35, 'en')).toBe('42.4')
    expect(formatArea(7557.2, 'en')).toBe('7,557')
  })
})

describe('percentages', () => {
  it('formats a share and guards a zero total', () => {
    expect(formatPercent(29, 30, 'en')).toBe('96.7%')
    expect(formatPercent(0, 0, 'en')).toBe('—')
  })
  it('gives the covered share for progress bars', () => {
    expect(coveredShare(30, 1)).toBe(96.7)
    expect(coveredShare(0, 0)).toBe(100)
    expect(coveredShare(4, 4)).toBe(0)
  })
})

describe('formatDateTime', () => {
  it('shows China time whatever the browser zone', () => {
    const s = formatDateTime('2026-11-23T14:02:23.170Z', 'zh-CN')
    expect(s).toContain('2026')
    expect(s).toContain('22:02')
  })
  it('passes through what it cannot parse and dashes empties', () => {
    expect(formatDateTime('not a date', 'en')).toBe('not a date')
    expect(formatDateTime(null, 'en')).toBe('—')
  })
})

describe('measureRange', () => {
  it('spans the values', () => {
    expect(measureRange([1900, 5200, 4300])).toEqual([1900, 5200])
  })
  it('centres equal values so regions get the middle colour', () => {
    const [lo, hi] = measureRange([22, 22, 22])
    expect((lo + hi) / 2).toBe(22)
    expect(hi).toBeGreaterThan(lo)
  })
  it('has a defined scale with no values', () => {
    expect(measureRange([])).toEqual([0, 1])
  })
})
