// The overview's epidemic panel: where the peacetime/wartime switch applies, who may
// use it, and the epidemic curve as chart series. The server still decides; these
// only shape what is shown.
import type { Area, CurveDay, Mode } from '../api/types'

export const AREA_MODE = 'area.mode'

export function canSwitchMode(permissions: readonly string[] | undefined): boolean {
  return !!permissions?.includes(AREA_MODE)
}

/**
 * The path of the area whose mode governs `area` (see modeAreaCode): whoever's own
 * path is a prefix of it may read and (with area.mode) switch that mode.
 */
export function modeAreaPath(area: Pick<Area, 'code' | 'level' | 'path'>): string {
  const codes = area.path.split('/').filter(Boolean)
  const code = modeAreaCode(area)
  const i = codes.indexOf(code)
  return i < 0 ? area.path : `/${codes.slice(0, i + 1).join('/')}/`
}

/**
 * The area whose mode governs `area`: the city or a district itself, else the district
 * it lies in (the second code of its path). Modes are set on the city or a district only.
 */
export function modeAreaCode(area: Pick<Area, 'code' | 'level' | 'path'>): string {
  if (area.level === 'city' || area.level === 'district') return area.code
  const codes = area.path.split('/').filter(Boolean)
  return codes[1] ?? area.code
}

export function otherMode(mode: Mode): Mode {
  return mode === 'wartime' ? 'peacetime' : 'wartime'
}

export interface CurveSeries {
  dates: string[]
  /** Cases by onset date (asymptomatic cases have none). */
  onset: number[]
  /** Cases by report date, confirmed and asymptomatic (stacked bars). */
  confirmed: number[]
  asymptomatic: number[]
}

/** The curve as parallel arrays; dates shown as MM-DD when every day is in one year. */
export function curveSeries(curve: readonly CurveDay[]): CurveSeries {
  const oneYear = curve.length > 0 && curve[0].date.slice(0, 4) === curve[curve.length - 1].date.slice(0, 4)
  return {
    dates: curve.map((d) => (oneYear ? d.date.slice(5) : d.date)),
    onset: curve.map((d) => d.onset),
    confirmed: curve.map((d) => d.reported_confirmed),
    asymptomatic: curve.map((d) => d.reported_asymptomatic),
  }
}

/** The day with most reports (the peak), or null without cases. */
export function peakDay(curve: readonly CurveDay[]): CurveDay | null {
  let best: CurveDay | null = null
  for (const d of curve) if (d.reported > 0 && (!best || d.reported > best.reported)) best = d
  return best
}
