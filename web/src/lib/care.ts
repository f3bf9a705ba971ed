// The special-care roster (特殊群体关爱; /api/v1/care): which pages an account sees and
// the small rules the phone page applies before sending a call. `calls` is today's call
// list of the logged-in worker (livelihood.write: they record calls); `board` the
// escalations and open tasks under the account's node (livelihood.read: a commander).
export const CARE_READ = 'livelihood.read'
export const CARE_WRITE = 'livelihood.write'

// The section also holds return home (`returns`) and relief (`reliefs`), read with
// livelihood.read (LivelihoodView.vue; the steps need livelihood.write, checked by the server).
export type CarePage = 'calls' | 'board' | 'returns' | 'reliefs'
export const CARE_PAGES: readonly CarePage[] = ['calls', 'board', 'returns', 'reliefs']

export function carePageAllowed(page: CarePage, permissions: readonly string[] | undefined): boolean {
  return !!permissions?.includes(page === 'calls' ? CARE_WRITE : CARE_READ)
}

export function carePages(permissions: readonly string[] | undefined): CarePage[] {
  return CARE_PAGES.filter((p) => carePageAllowed(p, permissions))
}

export function careHome(permissions: readonly string[] | undefined): CarePage | null {
  return carePages(permissions)[0] ?? null
}

export type CallOutcome = 'reached_ok' | 'reached_with_needs' | 'not_reached'
export const CALL_OUTCOMES: readonly CallOutcome[] = ['reached_ok', 'reached_with_needs', 'not_reached']
export type NeedKind = 'medicine' | 'food' | 'medical_visit' | 'other'
export const NEED_KINDS: readonly NeedKind[] = ['medicine', 'food', 'medical_visit', 'other']

export interface NeedDraft {
  kind: NeedKind
  note: string
}

/**
 * The problems the server would name (field → i18n key), checked before sending: needs
 * only with reached_with_needs and then at least one, `other` with a note.
 */
export function callProblems(outcome: CallOutcome | '', needs: readonly NeedDraft[]): Record<string, string> {
  if (!outcome) return { outcome: 'care.problem.outcome' }
  if (outcome === 'reached_with_needs' && !needs.length) return { needs: 'care.problem.needs' }
  const out: Record<string, string> = {}
  needs.forEach((n, i) => {
    if (n.kind === 'other' && !n.note.trim()) out[`needs[${i}].note`] = 'care.problem.otherNote'
  })
  return out
}
