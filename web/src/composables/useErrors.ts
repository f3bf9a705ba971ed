// One way to tell the user that something failed, in their language. A lost session
// is not reported here: the app is already on its way to the login page.
import { ElMessage } from 'element-plus'
import { useI18n } from 'vue-i18n'
import { ApiError } from '../api/client'

export function errorMessage(t: (key: string, named?: Record<string, unknown>) => string, e: unknown): string {
  if (e instanceof ApiError) {
    if (e.status === 0) return t('error.network')
    if (e.status === 403) return t('error.forbidden')
    if (e.status === 404) return t('error.notFound')
    if (e.status === 409) return t('error.conflict', { detail: e.detail })
    if (e.status >= 500) return t('error.server', { id: e.requestId || '—' })
    return t('error.request', { detail: e.detail || e.title || String(e.status) })
  }
  return t('error.unexpected')
}

export function useErrors() {
  const { t } = useI18n()
  return {
    message: (e: unknown) => errorMessage(t, e),
    report(e: unknown): void {
      if (e instanceof ApiError && e.status === 401) return
      ElMessage({ type: 'error', message: errorMessage(t, e), showClose: true, duration: 6000 })
    },
  }
}

/** The server's per-field messages (problem+json `errors`), by field, for form items. */
export function fieldErrors(e: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (!(e instanceof ApiError)) return out
  for (const fe of e.errors) {
    if (fe.field && !out[fe.field]) out[fe.field] = fe.message
  }
  return out
}
