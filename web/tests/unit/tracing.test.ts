import { describe, expect, it } from 'vitest'
import { ApiError } from '../../src/api/client'
import type { Case, Chain } from '../../src/api/types'
import { fieldErrors } from '../../src/composables/useErrors'
import {
  apiTime,
  buildChainGraph,
  caseIdsFromQuery,
  CHAIN_X_GAP,
  CHAIN_Y_GAP,
  clockTime,
  DEFAULT_TRACE_FORM,
  detectionDelayDays,
  residentIdFromInput,
  statusTagType,
  todayInChina,
  traceRequest,
} from '../../src/lib/tracing'

function kase(id: number, infector: number | null = null, kind: Case['kind'] = 'confirmed'): Case {
  return {
    id,
    resident_id: 100 + id,
    name: `P${id}`,
    household_code: 'h',
    kind,
    onset_date: null,
    report_date: '2022-03-04',
    hospital: '',
    infector_case_id: infector,
    note: '',
    created_by: 'admin',
    created_at: '2022-03-04T10:00:00.000+08:00',
  }
}

function chainOf(cases: Case[]): Chain {
  return {
    case_id: cases[0].id,
    nodes: cases,
    links: cases.filter((c) => c.infector_case_id).map((c) => ({ source: c.infector_case_id!, target: c.id })),
  }
}

describe('contact status colours', () => {
  it('colours each status (the tiers’ steps are tested in tiers.test.ts)', () => {
    expect(statusTagType('pending')).toBe('danger')
    expect(statusTagType('quarantined')).toBe('primary')
    expect(statusTagType('monitoring')).toBe('primary')
    expect(statusTagType('released')).toBe('success')
    expect(statusTagType('odd')).toBe('info')
  })
})

describe('buildChainGraph', () => {
  it('lays a tree out by generation, infectors centred on the cases they infected', () => {
    // 1 → 2, 1 → 3, 3 → 4
    const g = buildChainGraph(chainOf([kase(1), kase(2, 1), kase(3, 1), kase(4, 3, 'asymptomatic')]), 3)
    const at = Object.fromEntries(g.nodes.map((n) => [n.caseId, n]))
    expect(g.generations).toBe(3)
    expect([at[1].depth, at[2].depth, at[3].depth, at[4].depth]).toEqual([0, 1, 1, 2])
    expect(at[4].x).toBe(2 * CHAIN_X_GAP)
    // Leaves 2 and 4 take slots 0 and 1; 3 sits at 4's height; 1 between 2 and 3.
    expect(at[2].y).toBe(0)
    expect(at[4].y).toBe(CHAIN_Y_GAP)
    expect(at[3].y).toBe(CHAIN_Y_GAP)
    expect(at[1].y).toBe(CHAIN_Y_GAP / 2)
    expect(g.nodes.filter((n) => n.current).map((n) => n.caseId)).toEqual([3])
    expect(at[1].infected).toBe(2)
    expect(at[4].kind).toBe('asymptomatic')
    expect(g.links).toEqual([
      { source: '1', target: '2' },
      { source: '1', target: '3' },
      { source: '3', target: '4' },
    ])
    expect(at[1].name).toBe('P1')
  })

  it('draws a single case alone', () => {
    const g = buildChainGraph(chainOf([kase(7)]), 7)
    expect(g.nodes).toHaveLength(1)
    expect(g.links).toEqual([])
    expect(g.generations).toBe(1)
    expect(g.nodes[0]).toMatchObject({ id: '7', x: 0, y: 0, current: true })
  })

  it('drops links to cases it was not given and self-links', () => {
    const chain: Chain = { case_id: 1, nodes: [kase(1), kase(2)], links: [{ source: 1, target: 2 }, { source: 9, target: 1 }, { source: 2, target: 2 }] }
    const g = buildChainGraph(chain, 1)
    expect(g.links).toEqual([{ source: '1', target: '2' }])
    expect(g.nodes.find((n) => n.caseId === 1)!.depth).toBe(0)
  })

  it('breaks a cycle instead of looping', () => {
    const chain: Chain = { case_id: 1, nodes: [kase(1), kase(2), kase(3)], links: [{ source: 1, target: 2 }, { source: 2, target: 3 }, { source: 3, target: 1 }] }
    const g = buildChainGraph(chain, 2)
    expect(g.nodes.map((n) => n.depth)).toEqual([0, 1, 2])
    expect(g.links).toHaveLength(2)
  })

  it('keeps separate roots apart (two first-generation cases)', () => {
    const g = buildChainGraph(chainOf([kase(1), kase(2), kase(3, 2)]), 1)
    const ys = g.nodes.map((n) => n.y)
    expect(new Set(ys).size).toBe(2) // 2 and 3 share a row; 1 has its own
    expect(g.nodes.find((n) => n.caseId === 1)!.y).not.toBe(g.nodes.find((n) => n.caseId === 2)!.y)
  })
})

describe('traceRequest', () => {
  it('builds the request from the defaults', () => {
    const { request, errors } = traceRequest({ ...DEFAULT_TRACE_FORM, caseIds: [3, 3, 5] })
    expect(errors).toEqual({})
    expect(request).toEqual({ case_ids: [3, 5], margin_minutes: 30, secondary: true, households: true, days_before_onset: 4 })
  })
  it('leaves out empty numbers so the server defaults apply', () => {
    const { request } = traceRequest({ caseIds: [1], marginMinutes: null, secondary: false, households: false, daysBeforeOnset: undefined })
    expect(request).toEqual({ case_ids: [1], secondary: false, households: false })
  })
  it('names each bad field', () => {
    const { request, errors } = traceRequest({ caseIds: [], marginMinutes: 241, secondary: true, households: true, daysBeforeOnset: -1 })
    expect(request).toBeNull()
    expect(errors).toEqual({ case_ids: 'tracing.form.needCases', margin_minutes: 'tracing.form.badMargin', days_before_onset: 'tracing.form.badDays' })
    expect(traceRequest({ ...DEFAULT_TRACE_FORM, caseIds: [1], marginMinutes: 240, daysBeforeOnset: 0 }).request).not.toBeNull()
    expect(traceRequest({ ...DEFAULT_TRACE_FORM, caseIds: [1], marginMinutes: 2.5 }).errors.margin_minutes).toBeDefined()
  })
})

describe('small parsers', () => {
  it('reads case ids from the route query', () => {
    expect(caseIdsFromQuery('3,7, 3')).toEqual([3, 7])
    expect(caseIdsFromQuery(['1', '2,x', null])).toEqual([1, 2])
    expect(caseIdsFromQuery(undefined)).toEqual([])
    expect(caseIdsFromQuery('0,-4,abc')).toEqual([])
  })
  it('turns datetime-local values into API civil time', () => {
    expect(apiTime('2022-03-01T08:00')).toBe('2022-03-01 08:00')
    expect(apiTime('2022-03-01T08:00:30')).toBe('2022-03-01 08:00')
    expect(apiTime('2022-03-01 23:59')).toBe('2022-03-01 23:59')
    expect(apiTime('')).toBeNull()
    expect(apiTime('yesterday')).toBeNull()
  })
  it('tells a resident number from a registry search', () => {
    expect(residentIdFromInput(' 42 ')).toBe(42)
    expect(residentIdFromInput('#42')).toBe(42)
    expect(residentIdFromInput('４２')).toBe(42) // full-width digits from a Chinese IME
    expect(residentIdFromInput('13800138000')).toBeNull() // a phone number
    expect(residentIdFromInput('220102199210050015')).toBeNull()
    expect(residentIdFromInput('白武')).toBeNull()
    expect(residentIdFromInput('0')).toBeNull()
  })
  it('gives the clock time, the detection delay and today in China', () => {
    expect(clockTime('2022-03-01T18:11:00.000+08:00')).toBe('18:11')
    expect(clockTime(null)).toBe('')
    expect(detectionDelayDays({ onset_date: '2022-03-01', report_date: '2022-03-04' })).toBe(3)
    expect(detectionDelayDays({ onset_date: null, report_date: '2022-03-04' })).toBeNull()
    // 23:30 UTC is already the next day in Shanghai.
    expect(todayInChina(new Date('2022-03-01T23:30:00Z'))).toBe('2022-03-02')
  })
})

describe('fieldErrors', () => {
  it('maps problem+json errors by field, first message wins', () => {
    const e = new ApiError(400, {
      detail: 'case is invalid',
      errors: [
        { field: 'report_date', message: 'report_date is in the future' },
        { field: 'report_date', message: 'second' },
        { field: 'kind', message: 'bad kind' },
      ],
    })
    expect(fieldErrors(e)).toEqual({ report_date: 'report_date is in the future', kind: 'bad kind' })
    expect(fieldErrors(new Error('x'))).toEqual({})
  })
})
