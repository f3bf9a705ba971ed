// Routes: /login, and /area/:code/{overview,residents,coverage} inside the shell. The
// server falls back to index.html for any non-API path, so history mode works on reload.
import { createRouter, createWebHistory, type RouteLocationRaw } from 'vue-router'
import LoginView from './views/LoginView.vue'
import { client } from './api'
import { restore, session } from './state/session'

export const AREA_TABS = ['overview', 'residents', 'coverage'] as const
export type AreaTab = (typeof AREA_TABS)[number]

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
      ],
    },
    { path: '/:rest(.*)*', redirect: '/' },
  ],
})

export function areaRoute(code: string, tab: AreaTab = 'overview'): RouteLocationRaw {
  return { name: tab, params: { code } }
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
  return true
})

/** The session was lost (401 or expiry): back to the login page, saying why. */
export function onSessionLost(): void {
  const current = router.currentRoute.value
  // During the first navigation the guard above decides where to go.
  if (current.name === 'login' || current.matched.length === 0) return
  void router.replace({ name: 'login', query: { reason: 'expired', redirect: current.fullPath } })
}
