// Routes: /login, and /area/:code/{overview,residents,coverage,cases,tracing} inside the
// shell. A tab whose permission the user lacks is neither shown nor reachable (the guard
// sends the user to the overview). The server falls back to index.html for any non-API
// path, so history mode works on reload.
import { createRouter, createWebHistory, type RouteLocationRaw } from 'vue-router'
import LoginView from './views/LoginView.vue'
import { client } from './api'
import { restore, session } from './state/session'

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
  if (to.name === 'home') return areaRoute(session.me!.area_code)
  const tab = to.name as AreaTab
  if ((AREA_TABS as readonly string[]).includes(tab) && !tabAllowed(tab, session.me?.permissions)) {
    return areaRoute(typeof to.params.code === 'string' ? to.params.code : session.me!.area_code)
  }
  return true
})

/** The session was lost (401 or expiry): back to the login page, saying why. */
export function onSessionLost(): void {
  const current = router.currentRoute.value
  // During the first navigation the guard above decides where to go.
  if (current.name === 'login' || current.matched.length === 0) return
  void router.replace({ name: 'login', query: { reason: 'expired', redirect: current.fullPath } })
}
