import { describe, expect, it } from 'vitest'
import { AREA_TABS, tabAllowed } from '../../src/router'

describe('area tabs by permission', () => {
  it('shows cases and tracing only with case.read', () => {
    const hotline = ['area.read', 'personal.read']
    expect(AREA_TABS.filter((t) => tabAllowed(t, hotline))).toEqual(['overview', 'residents', 'coverage'])
    const grid = ['area.read', 'case.read', 'contact.write']
    expect(AREA_TABS.filter((t) => tabAllowed(t, grid))).toEqual(['overview', 'residents', 'coverage', 'cases', 'tracing'])
    expect(tabAllowed('cases', undefined)).toBe(false)
  })
})
