import { describe, expect, it } from 'vitest'
import { ageFrom, canMerge, canUnmask, classifySearch, isMasked, maskSegments } from '../../src/lib/mask'

describe('maskSegments', () => {
  it('splits an ID number into visible and masked runs', () => {
    expect(maskSegments('220102********0015')).toEqual([
      { text: '220102', masked: false },
      { text: '********', masked: true },
      { text: '0015', masked: false },
    ])
  })
  it('handles phones, birth dates and plain values', () => {
    expect(maskSegments('138****5678').map((s) => s.masked)).toEqual([false, true, false])
    expect(maskSegments('1990-**-**')).toEqual([
      { text: '1990-', masked: false },
      { text: '**', masked: true },
      { text: '-', masked: false },
      { text: '**', masked: true },
    ])
    expect(maskSegments('220102199210050015')).toEqual([{ text: '220102199210050015', masked: false }])
    expect(maskSegments('')).toEqual([])
    expect(maskSegments(null)).toEqual([])
  })
  it('recognises masked values', () => {
    expect(isMasked('195****6037')).toBe(true)
    expect(isMasked('19594186037')).toBe(false)
    expect(isMasked(undefined)).toBe(false)
  })
})

describe('who is offered unmask and merge', () => {
  it('needs personal.unmask', () => {
    expect(canUnmask(['personal.read', 'personal.unmask'])).toBe(true)
    expect(canUnmask(['personal.read'])).toBe(false) // the hotline agent
    expect(canUnmask(undefined)).toBe(false)
  })
  it('needs registry.write to merge', () => {
    expect(canMerge(['registry.write'])).toBe(true)
    expect(canMerge(['personal.read'])).toBe(false)
  })
})

describe('ageFrom', () => {
  const today = new Date(2026, 10, 23) // 23 Nov 2026
  it('uses the whole date when it is shown', () => {
    expect(ageFrom('1992-10-05', today)).toBe(34)
    expect(ageFrom('1992-12-05', today)).toBe(33)
    expect(ageFrom('1992-11-23', today)).toBe(34)
  })
  it('uses the year when the date is masked', () => {
    expect(ageFrom('1943-**-**', today)).toBe(83)
  })
  it('gives null for empty or odd values', () => {
    expect(ageFrom('', today)).toBeNull()
    expect(ageFrom('unknown', today)).toBeNull()
    expect(ageFrom('2030-01-01', today)).toBeNull()
  })
})

describe('classifySearch', () => {
  it('reads 18 characters as an ID number, upper-casing the check character', () => {
    expect(classifySearch('22010219921005001x')).toEqual({ id_number: '22010219921005001X' })
    expect(classifySearch(' 220102 19921005 0015 ')).toEqual({ id_number: '220102199210050015' })
  })
  it('reads 11 digits from 1 as a mobile number, with or without +86', () => {
    expect(classifySearch('19594186037')).toEqual({ phone: '19594186037' })
    expect(classifySearch('+86 195-9418-6037')).toEqual({ phone: '19594186037' })
    expect(classifySearch('8619594186037')).toEqual({ phone: '19594186037' })
  })
  it('normalises full-width digits typed with a Chinese input method', () => {
    expect(classifySearch('１９５９４１８６０３７')).toEqual({ phone: '19594186037' })
  })
  it('treats anything else as a name', () => {
    expect(classifySearch(' 白武 ')).toEqual({ name: '白武' })
    expect(classifySearch('12345')).toEqual({ name: '12345' })
    expect(classifySearch('   ')).toEqual({})
  })
})
