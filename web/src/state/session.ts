// Who is logged in. `me` is null until a login or a restored token has been checked
// with GET /auth/me. A lost session (401, expiry) clears it and the router shows the
// login page with a reason.
import { reactive } from 'vue'
import { api, client } from '../api'
import type { Me } from '../api/types'

export const session = reactive({
  me: null as Me | null,
})

let expiryTimer: ReturnType<typeof setTimeout> | undefined

function scheduleExpiry(): void {
  clearTimeout(expiryTimer)
  const at = client.expiresAt
  if (at === null) return
  // setTimeout holds 32-bit delays; a longer session is re-checked on the next request.
  const delay = Math.min(Math.max(at - Date.now(), 0), 2 ** 31 - 1)
  expiryTimer = setTimeout(() => {
    if (client.token && !client.hasValidSession()) client.expire()
  }, delay)
}

export async function login(username: string, password: string): Promise<void> {
  const res = await api.login(username, password)
  client.setSession(res.token, res.expires_at)
  scheduleExpiry()
  session.me = await api.me()
}

/** Restores a token kept in this tab (after a reload); false when there is none or it is dead. */
export async function restore(): Promise<boolean> {
  if (session.me) return true
  if (!client.hasValidSession()) return false
  try {
    session.me = await api.me()
    scheduleExpiry()
    return true
  } catch {
    return false
  }
}

export async function logout(): Promise<void> {
  clearTimeout(expiryTimer)
  try {
    if (client.hasValidSession()) await api.logout()
  } catch {
    /* the token is dropped either way */
  }
  client.clearSession()
  session.me = null
}

/** Called by the client when the server says the token is no longer good. */
export function forget(): void {
  clearTimeout(expiryTimer)
  session.me = null
}

export function can(permission: string): boolean {
  return !!session.me?.permissions.includes(permission)
}
