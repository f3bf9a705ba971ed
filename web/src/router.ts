// Routes: /login, and /area/:code/{overview,residents,coverage,cases,tracing} inside the
// shell. A tab whose permission the user lacks is neither shown nor reachable (the guard
// sends the user to the overview). Mass testing lives under /testing (rounds and a
// round's coverage, a building's door list, tubes, the planner, the site scanner); each
// page needs its permission (lib/testing.ts). Risk areas, health codes and checkpoints
// live under /hc (risk areas, the checkpoint scanner, passage statistics, a resident's
// own code; lib/healthcode.ts). The 12345 hotline lives under /hotline (intake, inbox,
// supervision board, rates, hotspots; a resident's or enterprise's own requests;
// lib/hotline.ts): a hotline agent lands on intake, a department handler and a
// community's operator on the inbox. A user without the area pages starts on their first
// testing page, else their first /hc page: a sampler on the scanner, a lab technician on
// the results page, a resident on their own results (their code one tab away), a
// checkpoint's staff on the checkpoint scanner; an account with no page at all lands on
// /welcome, which says so. Enterprises (复工复产、惠企政策) live under /enterprises
// (lib/enterprise.ts): an enterprise user lands on 我的企业 and sees only their own pages; a
// department handler who serves an enterprise as its liaison officer lands on the liaison
// page (asked once per login from GET /liaisons?mine=true). Supplies to closed compounds live under
// /supplies (lib/supplies.ts): a volunteer's phone page of today's deliveries and the command
// centre's desk; reached from the header's sections. The special-care roster lives
// under /care (lib/care.ts): a grid worker's call list, the command's escalations and tasks.
// Quarantine and transfer live under /quarantine (lib/quarantine.ts): the site's phone page
// (check list, arrivals, release), the command's desk; a resident's own quarantine is
// /me/quarantine. A site's staff (no area pages) lands on the site page. /hospitals (医疗救治) needs medical.read.
// /public/risk (today's risk areas) needs no login. The server falls back to index.html for any non-API
// path, so history mode works on reload.
import { createRouter, createWebHistory, type RouteLocationRaw } from 'vue-router'
import LoginView from './views/LoginView.vue'
import { client, entApi } from './api'
import { restore, session } from './state/session'
import { mayReadAreas, testingHome, testingPageAllowed, type TestingPage } from './lib/testing'
import { hcHome, hcPageAllowed, type HcPage } from './lib/healthcode'
import { hotlineHome, hotlineLanding, hotlinePageAllowed, type HotlinePage } from './lib/hotline'
import { entHome, entLanding, entPageAllowed, mayServeEnterprises, type EntPage } from './lib/enterprise'
import { suppliesHome, suppliesPageAllowed, type SuppliesPage } from './lib/supplies'
import { careHome, carePageAllowed, type CarePage } from './lib/care'
import { quarantineHome, quarantinePageAllowed, type QuarantinePage } from './lib/quarantine'

export const AREA_TABS = ['overview', 'residents', 'coverage', 'cases', 'tracing'] as const
export type AreaTab = (typeof AREA_TABS)[number]

/** The permission a tab needs (the lists behind it are refused without it). */
export const TAB_PERMISSION: Partial<Record<AreaTab, string>> = {
  cases: 'case.read',
  tracing: 'case.read',
}

export function tabAllowed(tab: AreaTab, permissions: readonly string[] | undefined): boolean {
  const p = TAB_PERMISSION[tab]
  return !p || !!permissions?.includes(p)
}

export const router = createRouter({
  history: createWebHistory(),
  routes: [
    { path: '/login', name: 'login', component: LoginView, meta: { public: true } },
    { path: '/public/risk', name: 'public-risk', component: () => import('./views/PublicRiskView.vue'), meta: { public: true } },
    {
      path: '/',
      component: () => import('./views/ShellView.vue'),
      children: [
        { path: '', name: 'home', component: { render: () => null } },
        { path: 'area/:code/overview', name: 'overview', component: () => import('./views/OverviewView.vue') },
        { path: 'area/:code/residents', name: 'residents', component: () => import('./views/ResidentsView.vue') },
        { path: 'area/:code/coverage', name: 'coverage', component: () => import('./views/CoverageView.vue') },
        { path: 'area/:code/cases', name: 'cases', component: () => import('./views/CasesView.vue') },
        { path: 'area/:code/tracing', name: 'tracing', component: () => import('./views/TracingView.vue') },
        { path: 'testing', redirect: { name: 'testing-rounds' } },
        {
          path: 'testing/rounds',
          name: 'testing-rounds',
          component: () => import('./views/TestingView.vue'),
          meta: { testing: 'rounds' },
        },
        {
          path: 'testing/rounds/:id(\\d+)',
          name: 'testing-round',
          component: () => import('./views/TestingView.vue'),
          meta: { testing: 'rounds' },
        },
        {
          path: 'testing/rounds/:id(\\d+)/door/:area',
          name: 'testing-door',
          component: () => import('./views/DoorListView.vue'),
          meta: { testing: 'rounds' },
        },
        { path: 'testing/tubes/:barcode?', name: 'testing-tube', component: () => import('./views/TubeView.vue'), meta: { testing: 'tube' } },
        { path: 'testing/plan', name: 'testing-plan', component: () => import('./views/PlanView.vue'), meta: { testing: 'plan' } },
        { path: 'testing/scan', name: 'testing-scan', component: () => import('./views/ScanView.vue'), meta: { testing: 'scan' } },
        { path: 'testing/ship', name: 'testing-ship', component: () => import('./views/ShipView.vue'), meta: { testing: 'ship' } },
        { path: 'testing/lab', name: 'testing-lab', component: () => import('./views/LabView.vue'), meta: { testing: 'lab' } },
        { path: 'testing/me', name: 'testing-me', component: () => import('./views/MyResultsView.vue'), meta: { testing: 'me' } },
        { path: 'hc', redirect: { name: 'hc-risk' } },
        { path: 'hc/risk', name: 'hc-risk', component: () => import('./views/RiskView.vue'), meta: { hc: 'risk' } },
        { path: 'hc/checkpoint', name: 'hc-checkpoint', component: () => import('./views/CheckpointView.vue'), meta: { hc: 'checkpoint' } },
        { path: 'hc/stats', name: 'hc-stats', component: () => import('./views/CheckpointStatsView.vue'), meta: { hc: 'stats' } },
        { path: 'hc/me', name: 'hc-mycode', component: () => import('./views/MyCodeView.vue'), meta: { hc: 'mycode' } },
        { path: 'hotline', redirect: { name: 'hotline-inbox' } },
        { path: 'hotline/intake', name: 'hotline-intake', component: () => import('./views/HotlineIntakeView.vue'), meta: { hotline: 'intake' } },
        { path: 'hotline/inbox', name: 'hotline-inbox', component: () => import('./views/HotlineInboxView.vue'), meta: { hotline: 'inbox' } },
        { path: 'hotline/board', name: 'hotline-board', component: () => import('./views/HotlineBoardView.vue'), meta: { hotline: 'board' } },
        { path: 'hotline/rates', name: 'hotline-rates', component: () => import('./views/HotlineRatesView.vue'), meta: { hotline: 'rates' } },
        { path: 'hotline/hotspots', name: 'hotline-hotspots', component: () => import('./views/HotlineHotspotsView.vue'), meta: { hotline: 'hotspots' } },
        { path: 'hotline/mine', name: 'hotline-mine', component: () => import('./views/MyHotlineView.vue'), meta: { hotline: 'mine' } },
        { path: 'enterprises', redirect: { name: 'ent-dashboard' } },
        ...(
          [
            ['dashboard', () => import('./views/EntDashboardView.vue')],
            ['list', () => import('./views/EntListView.vue')],
            ['policies', () => import('./views/PolicyEditorView.vue')],
            ['disbursement', () => import('./views/DisbursementView.vue')],
            ['vouchers', () => import('./views/VouchersView.vue')],
            ['liaison', () => import('./views/LiaisonView.vue')],
            ['me', () => import('./views/EntMeView.vue')],
            ['filing', () => import('./views/EntFilingView.vue')],
            ['health', () => import('./views/EntHealthView.vue')],
            ['needs', () => import('./views/EntNeedsView.vue')],
            ['appeals', () => import('./views/EntAppealsView.vue')],
            ['benefits', () => import('./views/EntBenefitsView.vue')],
          ] as const
        ).map(([page, component]) => ({ path: `enterprises/${page}`, name: `ent-${page}`, component, meta: { ent: page } })),
        { path: 'supplies', redirect: { name: 'supplies-desk' } },
        { path: 'supplies/deliveries', name: 'supplies-deliveries', component: () => import('./views/SupplyDeliveriesView.vue'), meta: { supplies: 'deliveries' } },
        { path: 'supplies/desk', name: 'supplies-desk', component: () => import('./views/SupplyDeskView.vue'), meta: { supplies: 'desk' } },
        { path: 'care', redirect: { name: 'care-calls' } },
        { path: 'care/calls', name: 'care-calls', component: () => import('./views/CareView.vue'), props: { page: 'calls' }, meta: { care: 'calls' } },
        { path: 'care/board', name: 'care-board', component: () => import('./views/CareView.vue'), props: { page: 'board' }, meta: { care: 'board' } },
        { path: 'care/returns', name: 'care-returns', component: () => import('./views/LivelihoodView.vue'), props: { page: 'returns' }, meta: { care: 'returns' } },
        { path: 'care/reliefs', name: 'care-reliefs', component: () => import('./views/LivelihoodView.vue'), props: { page: 'reliefs' }, meta: { care: 'reliefs' } },
        { path: 'quarantine', redirect: { name: 'quarantine-site' } },
        { path: 'quarantine/site', name: 'quarantine-site', component: () => import('./views/QuarantineSiteView.vue'), meta: { quarantine: 'site' } },
        { path: 'quarantine/desk', name: 'quarantine-desk', component: () => import('./views/QuarantineDeskView.vue'), meta: { quarantine: 'desk' } },
        { path: 'me/quarantine', name: 'quarantine-me', component: () => import('./views/MyQuarantineView.vue'), meta: { quarantine: 'me' } },
        // Hospitals and fever clinics (医疗救治): beds, cases awaiting a bed, the bed forecast (medical.read).
        { path: 'hospitals', name: 'hospitals', component: () => import('./views/HospitalsView.vue'), meta: { bare: true, medical: true } },
        { path: 'welcome', name: 'welcome', component: () => import('./views/WelcomeView.vue'), meta: { bare: true } },
      ],
    },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
})

export function areaRoute(code: string, tab: AreaTab = 'overview', query?: Record<string, string>): RouteLocationRaw {
  return query ? { name: tab, params: { code }, query } : { name: tab, params: { code } }
}

router.beforeEach(async (to) => {
  if (to.meta.public) return true
  const hadToken = client.token !== null
  if (!(await restore())) {
    const query: Record<string, string> = to.fullPath !== '/' ? { redirect: to.fullPath } : {}
    if (hadToken) query.reason = 'expired'
    return { name: 'login', query }
  }
  const me = session.me!
  const perms = me.permissions
  const home = testingHome(perms, me)
  const hc = hcHome(perms, me)
  const hl = hotlineHome(perms, me)
  const en = entHome(perms, me)
  const qh = quarantineHome(perms, me)
  // Without the area pages: the first testing page, the first /hc page, the first
  // hotline page, the first enterprise page, the first quarantine page (a site's staff),
  // or /welcome when there is none.
  const start: RouteLocationRaw = home ? testingRoute(home) : hc ? hcRoute(hc) : hl ? hotlineRoute(hl) : en ? entRoute(en) : qh ? quarantineRoute(qh) : { name: 'welcome' }
  const entJob = to.name === 'home' || to.name === 'welcome' ? entLanding(perms, me, await servesEnterprises(perms, me)) : null
  const job = hotlineLanding(perms, me)
  const landing = entJob ? entRoute(entJob) : job ? hotlineRoute(job) : mayReadAreas(perms) ? areaRoute(me.area_code) : start
  if (to.name === 'home') return landing
  if (to.name === 'welcome') return mayReadAreas(perms) || home || hc || hl || en || qh ? landing : true
  const page = to.meta.testing as TestingPage | undefined
  if (page && !testingPageAllowed(page, perms, me)) return home ? testingRoute(home) : landing
  const hcPage = to.meta.hc as HcPage | undefined
  if (hcPage && !hcPageAllowed(hcPage, perms, me)) return hc ? hcRoute(hc) : landing
  const hotlinePage = to.meta.hotline as HotlinePage | undefined
  if (hotlinePage && !hotlinePageAllowed(hotlinePage, perms, me)) return hl ? hotlineRoute(hl) : landing
  if (to.meta.medical && !perms.includes('medical.read')) return landing
  const entPage = to.meta.ent as EntPage | undefined
  if (entPage && !entPageAllowed(entPage, perms, me)) return en ? entRoute(en) : landing
  const suppliesPage = to.meta.supplies as SuppliesPage | undefined
  if (suppliesPage && !suppliesPageAllowed(suppliesPage, perms, me)) {
    const sp = suppliesHome(perms, me)
    return sp ? suppliesRoute(sp) : landing
  }
  const carePage = to.meta.care as CarePage | undefined
  if (carePage && !carePageAllowed(carePage, perms)) {
    const c = careHome(perms)
    return c ? careRoute(c) : landing
  }
  const quarantinePage = to.meta.quarantine as QuarantinePage | undefined
  if (quarantinePage && !quarantinePageAllowed(quarantinePage, perms, me)) return qh ? quarantineRoute(qh) : landing
  const tab = to.name as AreaTab
  if ((AREA_TABS as readonly string[]).includes(tab) && !mayReadAreas(perms)) return start
  if ((AREA_TABS as readonly string[]).includes(tab) && !tabAllowed(tab, perms)) {
    return areaRoute(typeof to.params.code === 'string' ? to.params.code : me.area_code)
  }
  return true
})

/** The route of a testing page's entry (the navigation's tabs). */
export function testingRoute(page: TestingPage): RouteLocationRaw {
  return { name: `testing-${page}` }
}

/** The route of a health-code page's entry (/hc/…). */
export function hcRoute(page: HcPage): RouteLocationRaw {
  return { name: `hc-${page}` }
}

/** The route of a hotline page (/hotline/…). */
export function hotlineRoute(page: HotlinePage): RouteLocationRaw {
  return { name: `hotline-${page}` }
}

/** The route of a supplies page (/supplies/…: a volunteer's deliveries, the command centre's desk). */
export function suppliesRoute(page: SuppliesPage): RouteLocationRaw {
  return { name: `supplies-${page}` }
}

/** The route of a special-care page (/care/…). */
export function careRoute(page: CarePage): RouteLocationRaw {
  return { name: `care-${page}` }
}

/** The route of a quarantine page (/quarantine/site, /quarantine/desk, /me/quarantine). */
export function quarantineRoute(page: QuarantinePage): RouteLocationRaw {
  return { name: `quarantine-${page}` }
}

/** The route of an enterprise page (/enterprises/…). */
export function entRoute(page: EntPage): RouteLocationRaw {
  return { name: `ent-${page}` }
}

// Whether the logged-in department handler serves an enterprise (a liaison officer),
// asked once per account and tab.
const serving = new Map<string, Promise<boolean>>()

export function servesEnterprises(perms: readonly string[], me: { username: string; role?: string }): Promise<boolean> {
  if (!mayServeEnterprises(perms, me)) return Promise.resolve(false)
  let p = serving.get(me.username)
  if (!p) {
    p = entApi.liaisons(true).then(
      (r) => r.items.length > 0,
      () => false,
    )
    serving.set(me.username, p)
  }
  return p
}

/** The session was lost (401 or expiry): back to the login page, saying why. */
export function onSessionLost(): void {
  const current = router.currentRoute.value
  // During the first navigation the guard above decides where to go.
  if (current.name === 'login' || current.matched.length === 0) return
  void router.replace({ name: 'login', query: { reason: 'expired', redirect: current.fullPath } })
}
