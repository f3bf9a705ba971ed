// Test results on the client: how a result is coloured (阴性 green, 阳性 red, 无效 amber,
// 待出结果 grey), a person's own results in order, and the lab's side — a results file
// read as the lab system wrote it (UTF-8 or GB18030, CSV or NDJSON), the report the
// server gives for it summarised, the CSV template, and the one-result form. The server
// still decides; these only shape what is sent and shown.
import type { LineError, NewTubeResult, PersonResult, ResultReport, TubeResultValue } from '../api/types'

export const RESULT_VALUES: readonly TubeResultValue[] = ['negative', 'positive', 'invalid']

/** A result or its absence: the key under `tube.result.*`. */
export type ResultKey = TubeResultValue | 'pending'

export function resultKey(r: string | null | undefined): ResultKey {
  return r === 'negative' || r === 'positive' || r === 'invalid' ? r : 'pending'
}

/** Element Plus tag types and colours: green, red, amber, grey. */
export const RESULT_STYLE: Record<ResultKey, { tag: 'success' | 'danger' | 'warning' | 'info'; color: string }> = {
  negative: { tag: 'success', color: '#1e8e3e' },
  positive: { tag: 'danger', color: '#d93025' },
  invalid: { tag: 'warning', color: '#b76e00' },
  pending: { tag: 'info', color: '#8a929c' },
}

export function resultTagType(r: string | null | undefined): 'success' | 'danger' | 'warning' | 'info' {
  return RESULT_STYLE[resultKey(r)].tag
}

export function resultColor(r: string | null | undefined): string {
  return RESULT_STYLE[resultKey(r)].color
}

function time(s: string | null): number {
  const v = s ? Date.parse(s) : NaN
  return Number.isFinite(v) ? v : -Infinity
}

/** Newest sample first (the server's order, kept when it already is); ties: the later result first. */
export function newestFirst(items: readonly PersonResult[]): PersonResult[] {
  return items
    .map((r, i) => ({ r, i }))
    .sort((a, b) => time(b.r.sampled_at) - time(a.r.sampled_at) || time(b.r.resulted_at) - time(a.r.resulted_at) || a.i - b.i)
    .map((x) => x.r)
}

// ------------------------------------------------------------- results files

export type LineFormat = 'csv' | 'ndjson'

/** The Content-Type the bulk route reads each format by. */
export const CONTENT_TYPE: Record<LineFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson',
}

/** The columns lab systems export (the server also takes tube,result,ct,lab,at). */
export const TEMPLATE_HEADERS = ['试管码', '结果', 'CT值', '检测机构', '报告时间'] as const
export const TEMPLATE_NAME = 'results-template.csv'

/** The CSV template: a BOM (so Excel reads it as UTF-8) and the header line. */
export function resultsTemplate(): string {
  return `\uFEFF${TEMPLATE_HEADERS.join(',')}\r\n`
}

/**
 * A file's bytes as text: UTF-8 when they are UTF-8 (a BOM dropped), otherwise GB18030,
 * which is what Chinese Excel and many lab systems save CSV as.
 */
export function decodeUpload(bytes: ArrayBuffer | Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    return new TextDecoder('gb18030').decode(bytes)
  }
}

/** CSV or NDJSON: by the file's extension, else by its first character ('{' is NDJSON). */
export function uploadFormat(name: string, text: string): LineFormat {
  const ext = name.toLowerCase().split('.').pop() ?? ''
  if (ext === 'ndjson' || ext === 'jsonl' || ext === 'json') return 'ndjson'
  if (ext === 'csv') return 'csv'
  return text.replace(/^\uFEFF/, '').trimStart().startsWith('{') ? 'ndjson' : 'csv'
}

export type SummaryTone = 'success' | 'warning' | 'error' | 'info'

export interface UploadSummary {
  tone: SummaryTone
  /** A message key under lab.summary. */
  key: string
  params: Record<string, number>
  /** Positive or invalid pools applied: members on retest (lab.summary.positives). */
  positives: { tubes: number; followups: number } | null
  /** Rejected lines whose errors the server left out of the list (it sends the first ones). */
  unlisted: number
}

/** What a results report comes to, in one line and a tone. */
export function summarizeUpload(r: ResultReport): UploadSummary {
  const params = { received: r.received, applied: r.applied, already: r.already, rejected: r.rejected }
  let tone: SummaryTone
  let key: string
  if (r.received === 0) {
    tone = 'info'
    key = 'lab.summary.empty'
  } else if (r.rejected >= r.received) {
    tone = 'error'
    key = 'lab.summary.allRejected'
  } else if (r.rejected > 0) {
    tone = 'warning'
    key = 'lab.summary.partly'
  } else if (r.applied === 0) {
    tone = 'info'
    key = 'lab.summary.resent'
  } else {
    tone = 'success'
    key = 'lab.summary.ok'
  }
  return {
    tone,
    key,
    params,
    positives: r.positive_tubes > 0 ? { tubes: r.positive_tubes, followups: r.followups } : null,
    unlisted: Math.max(0, r.rejected - r.errors.length),
  }
}

/** The report's errors by line (the server sorts them; a file's lines are what the lab will look up). */
export function errorRows(r: ResultReport): LineError[] {
  return [...r.errors].sort((a, b) => a.line - b.line)
}

/** Fields a results line has (message keys under lab.field); anything else is shown as the server named it. */
export const RESULT_FIELDS = ['tube', 'result', 'ct', 'lab', 'at'] as const

// -------------------------------------------------------- one result by hand

export interface ResultForm {
  tube: string
  result: TubeResultValue | ''
  /** As typed; empty for none. */
  ct: string
}

export type ResultFormErrors = Partial<Record<'tube' | 'result' | 'ct', string>>

const BARCODE = /^[A-Za-z0-9_-]{1,32}$/

/** The request for one result, or the fields that are wrong (as message keys). */
export function resultRequest(form: ResultForm): { request: NewTubeResult | null; errors: ResultFormErrors } {
  const errors: ResultFormErrors = {}
  const tube = form.tube.normalize('NFKC').replace(/\s+/g, '')
  if (!tube) errors.tube = 'lab.form.needTube'
  else if (!BARCODE.test(tube)) errors.tube = 'lab.form.badTube'
  if (!RESULT_VALUES.includes(form.result as TubeResultValue)) errors.result = 'lab.form.needResult'
  const ctText = form.ct.normalize('NFKC').trim()
  let ct: number | undefined
  if (ctText) {
    ct = /^\d+(\.\d+)?$/.test(ctText) ? Number(ctText) : NaN
    if (!Number.isFinite(ct) || ct <= 0) errors.ct = 'lab.form.badCt'
  }
  if (Object.keys(errors).length) return { request: null, errors }
  const request: NewTubeResult = { tube, result: form.result as TubeResultValue }
  if (ct !== undefined) request.ct = ct
  return { request, errors }
}

/** What one result came to: applied, or the same result was there already. */
export function singleOutcome(r: ResultReport): 'applied' | 'already' {
  return r.applied > 0 ? 'applied' : 'already'
}
