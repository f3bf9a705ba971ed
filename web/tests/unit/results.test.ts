// Results on the client: colours by result, a person's results newest first, a lab's
// file read (UTF-8 or GB18030; CSV or NDJSON), its report summarised, the template, and
// the one-result form.
import { describe, expect, it } from 'vitest'
import type { PersonResult, ResultReport } from '../../src/api/types'
import {
  CONTENT_TYPE,
  decodeUpload,
  errorRows,
  newestFirst,
  resultColor,
  resultKey,
  resultRequest,
  resultsTemplate,
  resultTagType,
  singleOutcome,
  summarizeUpload,
  TEMPLATE_HEADERS,
  uploadFormat,
} from '../../src/lib/results'

function report(p: Partial<ResultReport>): ResultReport {
  return { received: 0, applied: 0, already: 0, rejected: 0, positive_tubes: 0, followups: 0, errors: [], ...p }
}

function item(tube: string, sampled: string | null, result: PersonResult['result'] = null, resulted: string | null = null): PersonResult {
  return { round_id: 1, round: 'R', tube, kind: 'pool', sampled_at: sampled, result, resulted_at: resulted }
}

describe('result colouring', () => {
  it('is green for negative, red for positive, amber for invalid and grey while pending', () => {
    expect(resultTagType('negative')).toBe('success')
    expect(resultTagType('positive')).toBe('danger')
    expect(resultTagType('invalid')).toBe('warning')
    expect(resultTagType(null)).toBe('info')
    expect(resultColor('negative')).toBe('#1e8e3e')
    expect(resultColor('positive')).toBe('#d93025')
    expect(resultColor('invalid')).not.toBe(resultColor('positive'))
    expect(resultColor(undefined)).toBe(resultColor(null))
  })

  it('shows anything the client does not know as pending, never as a result', () => {
    expect(resultKey('negative')).toBe('negative')
    expect(resultKey('')).toBe('pending')
    expect(resultKey('maybe')).toBe('pending')
    expect(resultTagType('阳性')).toBe('info')
  })
})

describe('own results', () => {
  it('puts the newest sample first, a retest after its pool when sampled later, unknown times last', () => {
    const items = [
      item('OLD', '2022-03-01T09:00:00+08:00', 'negative', '2022-03-01T20:00:00+08:00'),
      item('NONE', null),
      item('RETEST', '2022-03-03T11:00:00+08:00'),
      item('POOL', '2022-03-03T09:00:00+08:00', 'positive', '2022-03-03T10:30:00+08:00'),
    ]
    expect(newestFirst(items).map((r) => r.tube)).toEqual(['RETEST', 'POOL', 'OLD', 'NONE'])
    expect(items[0].tube).toBe('OLD') // the input is left as it was
  })
})

describe('results files', () => {
  it('reads UTF-8 (a BOM dropped) and falls back to GB18030 as Chinese Excel saves it', () => {
    const utf8 = new TextEncoder().encode('\uFEFF试管码,结果\nT1,阴性\n')
    expect(decodeUpload(utf8)).toBe('试管码,结果\nT1,阴性\n')
    // 试管码,结果\nT1,阴性 in GB18030.
    const gb = new Uint8Array([0xca, 0xd4, 0xb9, 0xdc, 0xc2, 0xeb, 0x2c, 0xbd, 0xe1, 0xb9, 0xfb, 0x0a, 0x54, 0x31, 0x2c, 0xd2, 0xf5, 0xd0, 0xd4])
    expect(decodeUpload(gb)).toBe('试管码,结果\nT1,阴性')
  })

  it('tells CSV from NDJSON by the extension, then by the first character', () => {
    expect(uploadFormat('lab-0305.csv', '{"tube":"T1"}')).toBe('csv')
    expect(uploadFormat('lab.ndjson', 'tube,result')).toBe('ndjson')
    expect(uploadFormat('lab.JSONL', '')).toBe('ndjson')
    expect(uploadFormat('export.txt', '\n  {"tube":"T1","result":"negative"}')).toBe('ndjson')
    expect(uploadFormat('export', '试管码,结果')).toBe('csv')
    expect(CONTENT_TYPE.csv).toMatch(/^text\/csv/)
    expect(CONTENT_TYPE.ndjson).toBe('application/x-ndjson')
  })

  it('offers a template with the Chinese headers lab systems use, readable by Excel', () => {
    expect(TEMPLATE_HEADERS).toEqual(['试管码', '结果', 'CT值', '检测机构', '报告时间'])
    const text = resultsTemplate()
    expect(text.startsWith('\uFEFF')).toBe(true)
    expect(text.slice(1).trim()).toBe('试管码,结果,CT值,检测机构,报告时间')
  })
})

describe('upload report summary', () => {
  it('is a success when every line was recorded, and says how many were there before', () => {
    const s = summarizeUpload(report({ received: 5, applied: 4, already: 1 }))
    expect(s.tone).toBe('success')
    expect(s.key).toBe('lab.summary.ok')
    expect(s.params).toEqual({ received: 5, applied: 4, already: 1, rejected: 0 })
    expect(s.positives).toBeNull()
  })

  it('warns when some lines were refused and is an error when all were', () => {
    const errors = [{ line: 3, field: 'result', message: "'maybe' is not a result" }]
    expect(summarizeUpload(report({ received: 2, applied: 1, rejected: 1, errors })).tone).toBe('warning')
    expect(summarizeUpload(report({ received: 2, applied: 1, rejected: 1, errors })).key).toBe('lab.summary.partly')
    const all = summarizeUpload(report({ received: 1, rejected: 1, errors }))
    expect(all.tone).toBe('error')
    expect(all.key).toBe('lab.summary.allRejected')
  })

  it('calls a resent file a resend (nothing changed) and an empty one empty', () => {
    expect(summarizeUpload(report({ received: 3, already: 3 })).key).toBe('lab.summary.resent')
    expect(summarizeUpload(report({ received: 3, already: 3 })).tone).toBe('info')
    expect(summarizeUpload(report({})).key).toBe('lab.summary.empty')
  })

  it('raises positive pools with the follow-ups they started', () => {
    expect(summarizeUpload(report({ received: 2, applied: 2, positive_tubes: 1, followups: 10 })).positives).toEqual({ tubes: 1, followups: 10 })
  })

  it('counts refused lines the server did not list, and lists the rest by line', () => {
    const errors = [
      { line: 9, field: 'tube', message: 'tube T9 was never registered' },
      { line: 2, field: '', message: 'a line is a JSON object' },
    ]
    const r = report({ received: 600, applied: 100, rejected: 500, errors })
    expect(summarizeUpload(r).unlisted).toBe(498)
    expect(errorRows(r).map((e) => e.line)).toEqual([2, 9])
    expect(summarizeUpload(report({ received: 1, rejected: 1, errors: [errors[0]] })).unlisted).toBe(0)
  })
})

describe('one result by hand', () => {
  it('sends the tube, the result and a Ct only when one is typed', () => {
    expect(resultRequest({ tube: ' T0001 ', result: 'negative', ct: '' }).request).toEqual({ tube: 'T0001', result: 'negative' })
    expect(resultRequest({ tube: 'T0001', result: 'positive', ct: '28.5' }).request).toEqual({ tube: 'T0001', result: 'positive', ct: 28.5 })
    // Full-width digits as an IME types them.
    expect(resultRequest({ tube: 'Ｔ０００１', result: 'positive', ct: '３１' }).request).toEqual({ tube: 'T0001', result: 'positive', ct: 31 })
  })

  it('names each wrong field', () => {
    expect(resultRequest({ tube: '', result: '', ct: 'abc' }).errors).toEqual({ tube: 'lab.form.needTube', result: 'lab.form.needResult', ct: 'lab.form.badCt' })
    expect(resultRequest({ tube: 'T/1', result: 'negative', ct: '0' }).errors).toEqual({ tube: 'lab.form.badTube', ct: 'lab.form.badCt' })
    expect(resultRequest({ tube: 'T1', result: 'negative', ct: '-3' }).request).toBeNull()
  })

  it('tells a recorded result from one that was there already', () => {
    expect(singleOutcome(report({ received: 1, applied: 1 }))).toBe('applied')
    expect(singleOutcome(report({ received: 1, already: 1 }))).toBe('already')
  })
})
