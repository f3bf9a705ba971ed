import { describe, expect, it } from 'vitest'
import type { CurveDay } from '../../src/api/types'
import { canSwitchMode, curveSeries, modeAreaCode, modeAreaPath, otherMode, peakDay } from '../../src/lib/epidemic'

const day = (date: string, onset: number, c: number, a: number): CurveDay => ({
  date,
  onset,
  reported: c + a,
  reported_confirmed: c,
  reported_asymptomatic: a,
})

describe('the mode that governs an area', () => {
  it('is the city’s or district’s own, else the district the area lies in', () => {
    expect(modeAreaCode({ code: '220100000000', level: 'city', path: '/220100000000/' })).toBe('220100000000')
    expect(modeAreaCode({ code: '220102000000', level: 'district', path: '/220100000000/220102000000/' })).toBe('220102000000')
    const community = { code: '220102001001', level: 'community' as const, path: '/220100000000/220102000000/220102001000/220102001001/' }
    expect(modeAreaCode(community)).toBe('220102000000')
    expect(modeAreaPath(community)).toBe('/220100000000/220102000000/')
  })
  it('is switched only with area.mode, to the other mode', () => {
    expect(canSwitchMode(['area.read', 'area.mode'])).toBe(true)
    expect(canSwitchMode(['area.read'])).toBe(false)
    expect(canSwitchMode(undefined)).toBe(false)
    expect(otherMode('peacetime')).toBe('wartime')
    expect(otherMode('wartime')).toBe('peacetime')
  })
})

describe('the epidemic curve', () => {
  const curve = [day('2022-03-01', 2, 0, 0), day('2022-03-02', 0, 1, 2), day('2022-03-03', 1, 3, 0)]
  it('becomes parallel series, short dates within one year', () => {
    expect(curveSeries(curve)).toEqual({
      dates: ['03-01', '03-02', '03-03'],
      onset: [2, 0, 1],
      confirmed: [0, 1, 3],
      asymptomatic: [0, 2, 0],
    })
    expect(curveSeries([day('2021-12-31', 0, 1, 0), day('2022-01-01', 0, 1, 0)]).dates).toEqual(['2021-12-31', '2022-01-01'])
    expect(curveSeries([]).dates).toEqual([])
  })
  it('peaks on the day with most reports', () => {
    expect(peakDay(curve)?.date).toBe('2022-03-02') // 3 reports, the first of the ties
    expect(peakDay([day('2022-03-01', 4, 0, 0)])).toBeNull()
  })
})
