// What the record forms share (lib/forms.ts): typed lists split in either script's
// punctuation, sizes in the server's UTF-8 bytes, the districts an account may register in.
import { describe, expect, it } from 'vitest'
import type { Area } from '../../src/api/types'
import { districtsFor, splitList, utf8Bytes } from '../../src/lib/forms'

const area = (code: string, level: Area['level'], name = code): Area => ({ code, name, level, parent_code: null, path: `/${code}/`, mode: 'peacetime' })

describe('splitList', () => {
  it('splits at commas, semicolons and white space of either script, dropping blanks and repeats', () => {
    expect(splitList('site01, site02\nsite03')).toEqual(['site01', 'site02', 'site03'])
    expect(splitList('a\uff0cb\u3001c\uff1bd;e  ,a')).toEqual(['a', 'b', 'c', 'd', 'e'])
    expect(splitList('  ')).toEqual([])
  })
})

describe('utf8Bytes', () => {
  it('counts a Chinese character as three bytes, as the server does', () => {
    expect(utf8Bytes('abc')).toBe(3)
    expect(utf8Bytes('\u957f\u6625')).toBe(6)
  })
})

describe('districtsFor', () => {
  it("gives a district account its own district, a city account the city's districts, others none", () => {
    const kids = [area('220102000000', 'district', 'Nanguan'), area('220103000000', 'district', 'Kuancheng'), area('220199000000', 'street')]
    expect(districtsFor(area('220100000000', 'city'), kids)).toEqual([
      { code: '220102000000', name: 'Nanguan' },
      { code: '220103000000', name: 'Kuancheng' },
    ])
    expect(districtsFor(area('220102000000', 'district', 'Nanguan'), [])).toEqual([{ code: '220102000000', name: 'Nanguan' }])
    expect(districtsFor(area('220102001000', 'street'), kids)).toEqual([])
    expect(districtsFor(null, kids)).toEqual([])
  })
})
