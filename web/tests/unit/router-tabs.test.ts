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

describe('testing pages', () => {
  it('each nav entry names a route that needs the entry’s permission', async () => {
    const { router, testingRoute } = await import('../../src/router')
    const { TESTING_PAGES, TESTING_PAGE_PERMISSION } = await import('../../src/lib/testing')
    const byName = new Map(router.getRoutes().map((r) => [r.name, r]))
    for (const p of TESTING_PAGES) {
      const name = (testingRoute(p) as { name: string }).name
      expect(byName.get(name)?.meta.testing, name).toBe(p)
      expect(TESTING_PAGE_PERMISSION[p]).toMatch(/^testing\./)
    }
    // The door list opened by URL belongs to the rounds page (testing.read).
    expect(router.resolve('/testing/rounds/4/door/220102001001001').name).toBe('testing-door')
    expect(router.resolve('/testing/rounds/4/door/220102001001001').meta.testing).toBe('rounds')
    expect(router.resolve('/testing/tubes/T0001').params.barcode).toBe('T0001')
  })
})
