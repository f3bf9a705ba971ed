// The box hand-over's list: scanned tubes added once each, checked against the server's
// tube, the request, and a refusal folded back onto the tubes it names.
import { describe, expect, it } from 'vitest'
import { ApiError } from '../../src/api/client'
import type { TubeDetail } from '../../src/api/types'
import { addToBox, applyShipError, boxCounts, checkFailed, checkTube, removeFromBox, shipRequest, type BoxTube } from '../../src/lib/shipment'

function tube(barcode: string, p: Partial<TubeDetail> = {}): TubeDetail {
  const members = Array.from({ length: 3 }, (_, i) => ({ resident_id: i + 1, name: '', phone: '', sampled_at: '', unit_code: '' }))
  return {
    barcode, round_id: 1, site: 'S1', kind: 'pool', capacity: 10, members, opened_at: '', closed_at: '2022-03-05T10:00:00+08:00',
    box: '', lab: '', sent_at: null, result: null, ct: null, resulted_at: null, followups: [], ...p,
  }
}

function scanned(...codes: string[]): BoxTube[] {
  return codes.reduce<BoxTube[]>((list, c) => addToBox(list, c).list, [])
}

describe('scanning tubes into a box', () => {
  it('adds each barcode once, in scan order, to be checked', () => {
    let r = addToBox([], 'T0001')
    expect(r.outcome).toBe('added')
    r = addToBox(r.list, ' T0002\n')
    expect(r.list.map((t) => [t.barcode, t.status])).toEqual([['T0001', 'checking'], ['T0002', 'checking']])
    const again = addToBox(r.list, 'T0001')
    expect(again.outcome).toBe('duplicate')
    expect(again.list).toHaveLength(2)
  })

  it('refuses what is not a tube barcode (an ID number, punctuation) and ignores blanks', () => {
    expect(addToBox([], '220102199001010015').outcome).toBe('invalid')
    expect(addToBox([], 'T 00/1').outcome).toBe('invalid')
    expect(addToBox([], '   ').outcome).toBe('none')
    expect(addToBox([], 'Ｔ０００１').code).toBe('T0001')
  })

  it('removes a tube without touching the others', () => {
    expect(removeFromBox(scanned('A1', 'B2', 'C3'), 'B2').map((t) => t.barcode)).toEqual(['A1', 'C3'])
  })
})

describe('checking a scanned tube', () => {
  it('is ready when closed and in no other box, with its people counted', () => {
    const list = checkTube(scanned('T1', 'T2'), 'T1', tube('T1'), 'BOX-1')
    expect(list[0]).toEqual({ barcode: 'T1', status: 'ready', members: 3 })
    expect(list[1].status).toBe('checking')
    expect(boxCounts(list)).toEqual({ tubes: 2, ready: 1, flagged: 0, checking: 1, people: 3 })
  })

  it('flags an open tube, a tube shipped in another box, and an unknown one', () => {
    let list = scanned('OPEN', 'SENT', 'SAME', 'NONE')
    list = checkTube(list, 'OPEN', tube('OPEN', { closed_at: null }), 'B1')
    list = checkTube(list, 'SENT', tube('SENT', { box: 'B0', sent_at: '2022-03-05T12:00:00+08:00' }), 'B1')
    // Resending the same box is not a problem.
    list = checkTube(list, 'SAME', tube('SAME', { box: 'B1', sent_at: '2022-03-05T12:00:00+08:00' }), ' B1 ')
    list = checkTube(list, 'NONE', null, 'B1')
    expect(list.map((t) => [t.status, t.message ?? ''])).toEqual([
      ['warning', 'ship.stillOpen'],
      ['warning', 'ship.shippedIn'],
      ['ready', ''],
      ['error', 'ship.notFound'],
    ])
    expect(list[1].params).toEqual({ box: 'B0' })
    expect(boxCounts(list).flagged).toBe(3)
  })

  it('keeps a tube whose check failed, with the reason', () => {
    const list = checkFailed(scanned('T1'), 'T1', 'error.network', true)
    expect(list[0]).toMatchObject({ barcode: 'T1', status: 'warning', message: 'error.network', local: true })
  })
})

describe('handing the box over', () => {
  it('sends box, lab and every listed tube in order', () => {
    expect(shipRequest(' BOX-7 ', 'LAB1', scanned('T1', 'T2')).request).toEqual({ box: 'BOX-7', lab: 'LAB1', tubes: ['T1', 'T2'] })
  })

  it('names what is missing', () => {
    expect(shipRequest('', ' ', []).errors).toEqual({ box: 'ship.needBox', lab: 'ship.needLab', tubes: 'ship.needTubes' })
    expect(shipRequest('X'.repeat(65), 'L', scanned('T1')).errors).toEqual({ box: 'ship.badBox' })
  })

  it('marks the tubes a refusal names by their place in the request, even if the list changed since', () => {
    const sent = ['T1', 'T2', 'T3']
    const list = removeFromBox(scanned('T1', 'T2', 'T3', 'T4'), 'T1')
    const e = new ApiError(400, {
      detail: 'the shipment is not valid',
      errors: [
        { field: 'tubes[1]', message: 'tube T2 is still open' },
        { field: 'tubes[2]', message: 'tube T3 was already shipped in box B0' },
        { field: 'lab', message: "lab 'L9' does not exist" },
      ],
    })
    const r = applyShipError(list, sent, e)
    expect(r.marked).toBe(2)
    expect(r.list.map((t) => [t.barcode, t.status, t.message ?? ''])).toEqual([
      ['T2', 'error', 'tube T2 is still open'],
      ['T3', 'error', 'tube T3 was already shipped in box B0'],
      ['T4', 'checking', ''],
    ])
    expect(r.fields).toEqual({ lab: "lab 'L9' does not exist" })
    expect(r.general).toBeNull()
  })

  it('gives the detail when the refusal names no tube or field, and nothing for a network failure', () => {
    const r = applyShipError(scanned('T1'), ['T1'], new ApiError(409, { detail: 'conflict' }))
    expect(r.general).toBe('conflict')
    expect(r.list[0].status).toBe('checking')
    expect(applyShipError(scanned('T1'), ['T1'], new ApiError(0, {})).general).toBeNull()
  })
})
