// The server's "today": its clock's date in China time. A demo runs on the last day
// of its data (March 2022), so ages, "new today" and default dates follow the server,
// not the browser. Until the server has answered, the browser's date stands in.
// `serverNow()` is the server's clock in Unix ms (the demo's clock is the real one
// shifted by whole days): the hotline's countdowns run against the deadlines it sets.
import { reactive } from 'vue'
import { api } from '../api'
import { todayInChina } from '../lib/tracing'

export const serverClock = reactive({ today: '', offsetMs: 0 })

/** Asks the server once (GET /health, public); keeps the browser's date on failure. */
export async function loadServerToday(): Promise<void> {
  if (serverClock.today) return
  try {
    const h = await api.health()
    if (/^\d{4}-\d{2}-\d{2}/.test(h.time)) serverClock.today = h.time.slice(0, 10)
    const at = Date.parse(h.time)
    if (Number.isFinite(at)) serverClock.offsetMs = at - Date.now()
  } catch {
    /* the browser's date stands in */
  }
}

/** YYYY-MM-DD: the server's date, or the browser's in China time. */
export function today(): string {
  return serverClock.today || todayInChina()
}

/** Noon of today() as a Date (for age arithmetic on the calendar date). */
export function todayDate(): Date {
  const [y, m, d] = today().split('-').map(Number)
  return new Date(y, m - 1, d, 12)
}

/** The server's clock now, Unix ms (the browser's clock shifted by what the server said). */
export function serverNow(): number {
  return Date.now() + serverClock.offsetMs
}
