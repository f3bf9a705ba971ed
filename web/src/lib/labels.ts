// Server texts that the console translates: coverage problems and duplicate reasons
// are stable English phrases in the API; each maps to a message key. Unknown phrases
// are shown as they are.

const PROBLEM_KEYS: Record<string, string> = {
  'no 包保 cadre': 'coverage.problem.noCadre',
  'no building leader': 'coverage.problem.noBuildingLeader',
  'no unit leader': 'coverage.problem.noUnitLeader',
  'not in any grid': 'coverage.problem.notInGrid',
  'no grid': 'coverage.problem.noGrid',
  'no grid leader': 'coverage.problem.noGridLeader',
}

const DUPLICATE_KEYS: Record<string, string> = {
  'same name and phone': 'duplicates.reason.namePhone',
  'same name and birth date in one community': 'duplicates.reason.nameBirth',
}

const HISTORY_KEYS: Record<string, string> = {
  registered: 'history.reason.registered',
  'registered (bulk)': 'history.reason.registeredBulk',
}

export function problemKey(problem: string): string | null {
  return PROBLEM_KEYS[problem] ?? null
}

export function duplicateReasonKey(reason: string): string | null {
  return DUPLICATE_KEYS[reason] ?? null
}

export function historyReasonKey(reason: string): string | null {
  return HISTORY_KEYS[reason] ?? null
}

export const KNOWN_PROBLEM_KEYS = Object.values(PROBLEM_KEYS)
export const KNOWN_DUPLICATE_KEYS = Object.values(DUPLICATE_KEYS)
export const KNOWN_HISTORY_KEYS = Object.values(HISTORY_KEYS)

/** The ancestors of `code` from the user's own node down, read off a materialised path. */
export function pathCodes(path: string, fromCode: string): string[] {
  const codes = path.split('/').filter(Boolean)
  const start = codes.indexOf(fromCode)
  return start < 0 ? [] : codes.slice(start)
}
