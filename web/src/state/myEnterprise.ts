// The enterprise an enterprise user's account acts for (GET /enterprises/me), asked once
// per tab and again after anything that changes it (a filing, an opening).
import { reactive } from 'vue'
import { entApi } from '../api'
import type { Enterprise } from '../api/types'

export const myEnterprise = reactive({
  ent: null as Enterprise | null,
  error: null as unknown,
  loading: false,
})

let pending: Promise<Enterprise | null> | null = null

/** Loads the caller's enterprise (once unless `force`); null when the account acts for none. */
export function loadMyEnterprise(force = false): Promise<Enterprise | null> {
  if (myEnterprise.ent && !force) return Promise.resolve(myEnterprise.ent)
  if (pending && !force) return pending
  myEnterprise.loading = true
  pending = entApi
    .myEnterprise()
    .then((e) => {
      myEnterprise.ent = e
      myEnterprise.error = null
      return e
    })
    .catch((e) => {
      myEnterprise.error = e
      return null
    })
    .finally(() => {
      myEnterprise.loading = false
      pending = null
    })
  return pending
}

export function resetMyEnterprise(): void {
  myEnterprise.ent = null
  myEnterprise.error = null
}
