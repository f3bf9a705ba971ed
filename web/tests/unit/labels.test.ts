import { describe, expect, it } from 'vitest'
import { duplicateReasonKey, historyReasonKey, pathCodes, problemKey } from '../../src/lib/labels'

describe('server phrases to message keys', () => {
  it('maps every coverage problem the server reports', () => {
    for (const p of ['no 包保 cadre', 'no building leader', 'no unit leader', 'not in any grid', 'no grid', 'no grid leader']) {
      expect(problemKey(p)).toMatch(/^coverage\.problem\./)
    }
    expect(problemKey('something new')).toBeNull()
  })
  it('maps duplicate reasons and history reasons', () => {
    expect(duplicateReasonKey('same name and phone')).toBe('duplicates.reason.namePhone')
    expect(duplicateReasonKey('same name and birth date in one community')).toBe('duplicates.reason.nameBirth')
    expect(historyReasonKey('registered')).toBe('history.reason.registered')
    expect(historyReasonKey('moved for work')).toBeNull()
  })
})

describe('pathCodes', () => {
  const path = '/220100000000/220102000000/220102001000/220102001001/220102001001-001/'
  it('starts the trail at the user’s own node', () => {
    expect(pathCodes(path, '220102000000')).toEqual(['220102000000', '220102001000', '220102001001', '220102001001-001'])
    expect(pathCodes(path, '220100000000')).toHaveLength(5)
  })
  it('is empty when the node is outside the user’s area', () => {
    expect(pathCodes(path, '220103000000')).toEqual([])
  })
})
