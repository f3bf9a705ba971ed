// The contact-tier rules in force (GET /tracing/tier-rules), asked once per tab and
// shared: the contact list takes each tier's statuses and action from them. Until
// they arrive, or if the request fails, lib/tiers.ts's defaults (the server's own)
// stand in.
import { reactive } from 'vue'
import { api } from '../api'
import type { TierRules } from '../api/types'

export const tierRulesState = reactive<{ rules: TierRules | null }>({ rules: null })

let pending: Promise<TierRules | null> | null = null

/** The rules, from the server once; `force` asks again (after a change). Never throws. */
export function loadTierRules(force = false): Promise<TierRules | null> {
  if (pending && !force) return pending
  pending = api
    .tierRules()
    .then((r) => {
      tierRulesState.rules = r
      return r
    })
    .catch(() => {
      pending = null // ask again next time
      return tierRulesState.rules
    })
  return pending
}

/** After a change the server answered with: the new rules are in force. */
export function setTierRules(r: TierRules): void {
  tierRulesState.rules = r
  pending = Promise.resolve(r)
}
