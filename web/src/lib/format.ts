// Display formatting that follows the UI language: grouped numbers, densities, areas,
// percentages and times (civil time in China is Asia/Shanghai, UTC+8).

const EMPTY = '—'

function nf(locale: string, opts: Intl.NumberFormatOptions): Intl.NumberFormat {
  return new Intl.NumberFormat(locale, opts)
}

/** 1234567 → "1,234,567"; null, undefined and NaN → "—". */
export function formatNumber(n: number | null | undefined, locale: string, maxFractionDigits = 0): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return EMPTY
  return nf(locale, { maximumFractionDigits: maxFractionDigits, useGrouping: true }).format(n)
}

/** People per km²: whole numbers from 10 up, one decimal below (rural areas). */
export function formatDensity(n: number | null | undefined, locale: string): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return EMPTY
  return formatNumber(n, locale, Math.abs(n) < 10 ? 1 : 0)
}

/** Area in km²: two decimals under 10 km², one under 100, whole numbers above. */
export function formatArea(km2: number | null | undefined, locale: string): string {
  if (km2 === null || km2 === undefined || !Number.isFinite(km2)) return EMPTY
  const digits = km2 < 10 ? 2 : km2 < 100 ? 1 : 0
  return formatNumber(km2, locale, digits)
}

/** part/total as a percentage with one decimal; "—" when total is 0. */
export function formatPercent(part: number, total: number, locale: string): string {
  if (!total) return EMPTY
  return nf(locale, { style: 'percent', maximumFractionDigits: 1, minimumFractionDigits: 0 }).format(part / total)
}

/** Share of nodes without a gap, 0–100, for progress bars (100 when there is nothing to cover). */
export function coveredShare(total: number, withGaps: number): number {
  if (!total) return 100
  return Math.max(0, Math.min(100, Math.round(((total - withGaps) / total) * 1000) / 10))
}

/** An ISO-8601 timestamp as a short local date-time in China time; empty → "—". */
export function formatDateTime(iso: string | null | undefined, locale: string): string {
  if (!iso) return EMPTY
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return new Intl.DateTimeFormat(locale, {
    timeZone: 'Asia/Shanghai',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(d)
}

/** A moment (Unix ms) as HH:MM:SS in China time. */
export function formatClock(ms: number, locale: string): string {
  if (!Number.isFinite(ms)) return EMPTY
  return new Intl.DateTimeFormat(locale, {
    timeZone: 'Asia/Shanghai',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
  }).format(new Date(ms))
}

/**
 * The colour scale of a map legend: [min, max] of the values, widened around the value
 * when all are equal so that every region gets the middle colour, not the darkest.
 */
export function measureRange(values: number[]): [number, number] {
  const finite = values.filter((v) => Number.isFinite(v))
  if (!finite.length) return [0, 1]
  const min = Math.min(...finite)
  const max = Math.max(...finite)
  if (max > min) return [min, max]
  const pad = Math.max(1, Math.abs(min) * 0.5)
  return [min - pad, max + pad]
}
