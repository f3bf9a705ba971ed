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
      // Every page but a resident's own results needs a testing permission.
      if (p !== 'me') expect(TESTING_PAGE_PERMISSION[p]).toMatch(/^testing\./)
    }
    // The door list opened by URL belongs to the rounds page (testing.read).
    expect(router.resolve('/testing/rounds/4/door/220102001001001').name).toBe('testing-door')
    expect(router.resolve('/testing/rounds/4/door/220102001001001').meta.testing).toBe('rounds')
    expect(router.resolve('/testing/tubes/T0001').params.barcode).toBe('T0001')
  })
})

describe('where a login lands', () => {
  async function landing(user: { role: string; permissions: string[]; resident_id?: number | null }, path = '/') {
    const { router } = await import('../../src/router')
    const { session } = await import('../../src/state/session')
    session.me = { id: 1, username: 'u', display_name: 'U', area_code: '220102001001', area: {} as never, ...user }
    await router.push(path)
    return router.currentRoute.value
  }

  it('sends a resident to their own results, a lab technician to the lab page, a sampler to the scanner', async () => {
    expect((await landing({ role: 'resident', permissions: [], resident_id: 7 })).name).toBe('testing-me')
    // Not linked yet: still their page (it says so), never the area pages they cannot read.
    expect((await landing({ role: 'resident', permissions: [] }, '/area/220102001001/overview')).name).toBe('testing-me')
    expect((await landing({ role: 'lab_technician', permissions: ['testing.result'] })).name).toBe('testing-lab')
    expect((await landing({ role: 'sampler', permissions: ['testing.sample'] })).name).toBe('testing-scan')
    expect((await landing({ role: 'sampler', permissions: ['testing.sample'] }, '/testing/lab')).name).toBe('testing-scan')
    expect((await landing({ role: 'sampler', permissions: ['testing.sample'] }, '/testing/ship')).name).toBe('testing-ship')
  })

  it('sends an account with no page at all to /welcome, and staff to their area', async () => {
    expect((await landing({ role: 'enterprise_user', permissions: [] })).name).toBe('welcome')
    expect((await landing({ role: 'enterprise_user', permissions: [] }, '/testing/me')).name).toBe('welcome')
    expect((await landing({ role: 'grid_worker', permissions: ['area.read', 'testing.read', 'testing.sample'] })).name).toBe('overview')
    expect((await landing({ role: 'grid_worker', permissions: ['area.read', 'testing.read'] }, '/welcome')).name).toBe('overview')
    expect((await landing({ role: 'grid_worker', permissions: ['area.read', 'testing.read'] }, '/testing/me')).name).toBe('testing-rounds')
  })

  it('sends a quarantine site’s staff to the site page and never to the desk, and opens a resident’s own quarantine', async () => {
    const staff = { role: 'site_staff', permissions: ['quarantine.read', 'quarantine.care'] }
    expect((await landing(staff)).name).toBe('quarantine-site')
    expect((await landing(staff, '/quarantine/desk')).name).toBe('quarantine-site')
    expect((await landing(staff, '/welcome')).name).toBe('quarantine-site')
    expect((await landing({ role: 'resident', permissions: ['quarantine.self'], resident_id: 7 }, '/me/quarantine')).name).toBe('quarantine-me')
    expect((await landing({ role: 'resident', permissions: ['quarantine.self'], resident_id: 7 }, '/quarantine/site')).name).toBe('quarantine-me')
    expect((await landing({ role: 'commander', permissions: ['area.read', 'quarantine.read', 'quarantine.write'] }, '/quarantine/site')).name).toBe('quarantine-desk')
  })
})
