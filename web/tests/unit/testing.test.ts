import { describe, expect, it } from 'vitest'
import { ApiError, NetworkError } from '../../src/api/client'
import type { ScanReply } from '../../src/api/types'
import {
  applyClosed,
  applyInvalid,
  applyScanError,
  applyScanReply,
  coverageBand,
  coverageColor,
  coverageRatio,
  drillTarget,
  initialScanState,
  maskIdLike,
  loadColor,
  mayReadAreas,
  NO_COVERAGE_COLOR,
  parsePercent,
  planSeries,
  prevalenceToSlider,
  ratioPercent,
  roomOf,
  roundRequest,
  SCAN_LOG_SIZE,
  scanInput,
  scanPrompt,
  sliderToPrevalence,
  SLIDER_STEPS,
  startTube,
  testingHome,
  testingPages,
  type RoundForm,
  type ScanState,
} from '../../src/lib/testing'

const ID1 = '220102199001010015'
const ID2 = '22010219851231002X'

function reply(members: number, capacity = 3, result: ScanReply['result'] = 'registered', closed = false): ScanReply {
  return { result, tube: { barcode: 'T0001', members, capacity, closed }, resident_id: 100 + members }
}

describe('testing pages by permission', () => {
  it('shows rounds, tubes and the planner with testing.read and the scanner with testing.sample', () => {
    expect(testingPages(['testing.read'])).toEqual(['rounds', 'tube', 'plan'])
    expect(testingPages(['testing.sample'])).toEqual(['scan', 'ship'])
    expect(testingPages(['testing.read', 'testing.sample'])).toEqual(['rounds', 'tube', 'plan', 'scan', 'ship'])
    expect(testingPages(['testing.result'])).toEqual(['lab'])
    expect(testingHome(['testing.result'])).toBe('lab')
    expect(testingPages(['area.read'])).toEqual([])
    expect(testingHome(['testing.sample'])).toBe('scan')
    // A sampler has no area pages: the scanner is their console.
    expect(mayReadAreas(['testing.sample'])).toBe(false)
    expect(mayReadAreas(['area.read', 'testing.read'])).toBe(true)
    expect(testingHome(undefined)).toBeNull()
  })

  it('gives a resident their own results, and any account linked to a resident too', () => {
    expect(testingPages([], { role: 'resident', resident_id: 42 })).toEqual(['me'])
    // Not linked: the page still opens, and says so.
    expect(testingHome([], { role: 'resident', resident_id: null })).toBe('me')
    expect(testingPages(['testing.read'], { role: 'grid_worker', resident_id: 7 })).toEqual(['rounds', 'tube', 'plan', 'me'])
    expect(testingPages(['testing.read'], { role: 'grid_worker', resident_id: null })).toEqual(['rounds', 'tube', 'plan'])
    expect(testingHome([], { role: 'enterprise_user' })).toBeNull()
  })
})

describe('coverage colouring', () => {
  it('is sampled over due, clamped, and nothing when nobody is due', () => {
    expect(coverageRatio({ due: 200, sampled: 150 })).toBe(0.75)
    expect(coverageRatio({ due: 10, sampled: 12 })).toBe(1)
    expect(coverageRatio({ due: 0, sampled: 3 })).toBeNull()
  })
  it('puts each ratio in its band with the band’s colour', () => {
    expect(coverageBand(null)).toBe('none')
    expect(coverageColor(null)).toBe(NO_COVERAGE_COLOR)
    expect(coverageBand(0)).toBe('low')
    expect(coverageBand(0.399)).toBe('low')
    expect(coverageBand(0.4)).toBe('partial')
    expect(coverageBand(0.7)).toBe('most')
    expect(coverageBand(0.9)).toBe('nearly')
    expect(coverageBand(0.949)).toBe('nearly')
    expect(coverageBand(0.95)).toBe('done')
    expect(coverageBand(1)).toBe('done')
    expect(coverageColor(0.1)).not.toBe(coverageColor(0.97))
  })
  it('floors percentages so an unfinished area never reads 100', () => {
    expect(ratioPercent(0.99996)).toBe(99.9)
    expect(ratioPercent(1)).toBe(100)
    expect(ratioPercent(null)).toBe(0)
  })
  it('marks sites over and near capacity', () => {
    expect(loadColor(1.2)).toBe('#d93025')
    expect(loadColor(0.95)).toBe('#e6a23c')
    expect(loadColor(0.5)).toBe(loadColor(null))
    expect(loadColor(0.5)).not.toBe(loadColor(0.95))
  })
  it('opens the door list for a building and drills down elsewhere', () => {
    expect(drillTarget({ level: 'building' })).toBe('door')
    expect(drillTarget({ level: 'compound' })).toBe('coverage')
    expect(roomOf('2201020010010101-0301')).toBe('0301')
    expect(roomOf('H1')).toBe('H1')
  })
})

describe('new round form', () => {
  const form = (over: Partial<RoundForm> = {}): RoundForm => ({
    name: ' 全员核酸第一轮 ',
    areas: ['220102000000', '220102000000'],
    startsOn: '2022-03-12',
    endsOn: '2022-03-13',
    poolSize: 10,
    due: 'residents',
    ...over,
  })
  it('gives the request with a trimmed name and areas once each', () => {
    expect(roundRequest(form()).request).toEqual({
      name: '全员核酸第一轮',
      areas: ['220102000000'],
      starts_on: '2022-03-12',
      ends_on: '2022-03-13',
      pool_size: 10,
      due: 'residents',
    })
  })
  it('names each wrong field', () => {
    const r = roundRequest(form({ name: ' ', areas: [], endsOn: '2022-03-11', poolSize: 21 }))
    expect(r.request).toBeNull()
    expect(r.errors).toEqual({
      name: 'testing.form.needName',
      areas: 'testing.form.needAreas',
      ends_on: 'testing.form.endsBeforeStart',
      pool_size: 'testing.form.badPool',
    })
    expect(roundRequest(form({ poolSize: 0 })).errors.pool_size).toBe('testing.form.badPool')
    expect(roundRequest(form({ poolSize: 1 })).request?.pool_size).toBe(1)
    expect(roundRequest(form({ poolSize: 20 })).request?.pool_size).toBe(20)
    expect(roundRequest(form({ startsOn: '' })).errors.starts_on).toBe('testing.form.needDate')
  })
})

describe('scanner state machine', () => {
  function withTube(capacity = 3): ScanState {
    const s = initialScanState()
    const a = scanInput(s, 'T0001\n')
    expect(a).toEqual({ kind: 'tube', barcode: 'T0001' })
    return startTube(s, 'T0001', capacity)
  }

  it('wants a tube first and refuses an ID number before one', () => {
    const s = initialScanState()
    expect(scanPrompt(s)).toBe('scan.promptTube')
    expect(scanInput(s, ID1)).toEqual({ kind: 'invalid', code: ID1, messageKey: 'scan.needTubeFirst' })
    expect(scanInput(s, '  ')).toEqual({ kind: 'none' })
    expect(scanInput(s, '#')).toEqual({ kind: 'invalid', code: '#', messageKey: 'scan.badBarcode' })
    expect(scanInput(s, 'x'.repeat(33)).kind).toBe('invalid')
    // Barcodes keep their case (the server's are case-sensitive).
    expect(scanInput(s, ' ab-1_C ')).toEqual({ kind: 'tube', barcode: 'ab-1_C' })
    const after = applyInvalid(s, ID1, 'scan.needTubeFirst')
    expect(after.phase).toBe('tube')
    expect(after.log[0]).toMatchObject({ kind: 'error', local: true, message: 'scan.needTubeFirst' })
  })

  it('takes people after the tube: ID numbers normalised (full-width, lower-case x)', () => {
    const s = withTube()
    expect(s.phase).toBe('person')
    expect(scanPrompt(s)).toBe('scan.promptPerson')
    expect(s.tube).toEqual({ barcode: 'T0001', members: 0, capacity: 3, closed: false })
    expect(scanInput(s, '２２０１０２１９８５１２３１００２x')).toEqual({ kind: 'person', idNumber: ID2, tube: 'T0001' })
    expect(scanInput(s, '12345')).toEqual({ kind: 'tube', barcode: '12345' })
    // A misread ID number (a digit short or long) is not taken for the next tube.
    expect(scanInput(s, '22010219900101001')).toEqual({ kind: 'invalid', code: '22010219900101001', messageKey: 'scan.badIdNumber' })
    expect(scanInput(s, '2201021990010100155')).toEqual({ kind: 'invalid', code: '2201021990010100155', messageKey: 'scan.badIdNumber' })
  })

  it('hides the middle of ID numbers, misread ones too, and leaves barcodes alone', () => {
    expect(maskIdLike(ID2)).toBe('220102********002X')
    expect(maskIdLike('22010219900101001')).toBe('220102*******1001')
    expect(maskIdLike('T0001')).toBe('T0001')
    expect(maskIdLike('12345')).toBe('12345')
  })

  it('shows the fill after each answer and asks for the next tube when it is full', () => {
    let s = withTube(2)
    s = applyScanReply(s, ID1, reply(1, 2))
    expect(s.phase).toBe('person')
    expect(s.tube?.members).toBe(1)
    expect(s.log[0]).toMatchObject({ kind: 'registered', code: ID1, fill: '1/2' })
    s = applyScanReply(s, ID1, reply(1, 2, 'already'))
    expect(s.log[0]).toMatchObject({ kind: 'already', fill: '1/2' })
    expect(s.phase).toBe('person')
    s = applyScanReply(s, ID2, reply(2, 2))
    expect(s.phase).toBe('tube')
    expect(scanPrompt(s)).toBe('scan.promptNextTube')
    expect(s.tube).toMatchObject({ members: 2, capacity: 2 })
    // The next code is a tube even if it looks like nothing else.
    expect(scanInput(s, ID1).kind).toBe('invalid')
    expect(scanInput(s, 'T0002')).toEqual({ kind: 'tube', barcode: 'T0002' })
  })

  it('asks for the next tube when the server closed it (close-after)', () => {
    const s = applyScanReply(withTube(10), ID1, reply(4, 10, 'registered', true))
    expect(s.phase).toBe('tube')
  })

  it('shows the server’s detail and field; a refusal naming the tube ends it', () => {
    let s = withTube()
    const dup = new ApiError(409, { detail: 'resident 12 is already on tube T0007 of round 1', errors: [{ field: 'id_number', message: 'already sampled' }] })
    s = applyScanError(s, ID1, dup)
    expect(s.phase).toBe('person')
    expect(s.log[0]).toMatchObject({ kind: 'error', code: ID1, message: 'resident 12 is already on tube T0007 of round 1', field: 'id_number' })
    const closed = new ApiError(409, { detail: 'tube T0001 is closed', errors: [{ field: 'tube', message: 'closed' }] })
    s = applyScanError(s, ID2, closed)
    expect(s.phase).toBe('tube')
    expect(s.log[0].field).toBe('tube')
    s = applyScanError(s, ID2, new NetworkError(new Error('offline')))
    expect(s.log[0]).toMatchObject({ message: 'error.network', local: true })
    // A problem naming only the body names no field.
    s = applyScanError(s, ID2, new ApiError(400, { detail: 'bad', errors: [{ field: 'body', message: 'bad' }] }))
    expect(s.log[0].field).toBeUndefined()
  })

  it('goes to the next tube after a close and keeps the newest scans first, at most the log size', () => {
    let s = withTube(1000)
    for (let i = 1; i <= SCAN_LOG_SIZE + 5; i++) s = applyScanReply(s, ID1, reply(i, 1000))
    expect(s.log).toHaveLength(SCAN_LOG_SIZE)
    expect(s.log[0].fill).toBe(`${SCAN_LOG_SIZE + 5}/1000`)
    expect(s.log[0].seq).toBeGreaterThan(s.log[1].seq)
    s = applyClosed(s, { barcode: 'T0001', members: 35, capacity: 1000, closed: false })
    expect(s.phase).toBe('tube')
    expect(s.tube?.closed).toBe(true)
    expect(s.log[0]).toMatchObject({ kind: 'closed', code: 'T0001', fill: '35/1000' })
  })
})

describe('planner', () => {
  it('maps the slider on a log scale both ways', () => {
    expect(sliderToPrevalence(0)).toBe(1e-5)
    expect(sliderToPrevalence(SLIDER_STEPS)).toBe(0.3)
    for (const p of [1e-4, 1e-3, 0.01, 0.05]) {
      expect(Math.abs(sliderToPrevalence(prevalenceToSlider(p)) - p) / p).toBeLessThan(0.02)
    }
    expect(prevalenceToSlider(0)).toBe(0)
    expect(prevalenceToSlider(0.9)).toBe(SLIDER_STEPS)
  })
  it('reads a typed percentage', () => {
    expect(parsePercent('0.1')).toBe(0.001)
    expect(parsePercent(' 2 % ')).toBe(0.02)
    expect(parsePercent('１％')).toBe(0.01)
    expect(parsePercent('abc')).toBeNull()
    expect(parsePercent('150')).toBeNull()
  })
  const dorfman = (p: number, max: number) =>
    Array.from({ length: max }, (_, i) => ({ k: i + 1, tests_per_person: i === 0 ? 1 : 1 / (i + 1) + 1 - (1 - p) ** (i + 1) }))
  it('gives E(k) over k, the best k marked and individual testing at 1', () => {
    const s = planSeries([...dorfman(0.01, 20)].reverse())
    expect(s.ks).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    expect(s.pooled[0]).toEqual([1, 1])
    expect(s.best?.[0]).toBe(11) // Dorfman's optimum at 1 % is k = 11 (E ≈ 0.196)
    expect(s.best?.[1]).toBeCloseTo(0.1956, 3)
    expect(s.individual).toEqual([[1, 1], [20, 1]])
    expect(s.yMax).toBeGreaterThanOrEqual(1)
  })
  it('marks k = 1 when individual testing wins, the smaller k on a tie', () => {
    expect(planSeries(dorfman(0.4, 5)).best).toEqual([1, 1])
    const tie = [1, 0.5, 0.5].map((e, i) => ({ k: i + 1, tests_per_person: e }))
    expect(planSeries(tie).best).toEqual([2, 0.5])
    expect(planSeries([]).best).toBeNull()
    expect(planSeries([]).individual).toEqual([])
  })
})
