// How personal data is shown. The server masks ID numbers, phones and birth dates
// (220102********0015, 138****5678, 1990-**-**) unless the caller may and asks to
// unmask; the console never unmasks on its own. These helpers only decide how a value
// looks, what a search box means, and who is offered the unmask button.

export const UNMASK_PERMISSION = 'personal.unmask'
export const MERGE_PERMISSION = 'registry.write'

/** How long an unmasked value stays on screen before it is hidden again. */
export const UNMASK_SECONDS = 60

export interface Segment {
  text: string
  masked: boolean
}

/** True when the value still carries the server's mask characters. */
export function isMasked(value: string | null | undefined): boolean {
  return !!value && value.includes('*')
}

/** Splits "220102********0015" into visible and masked runs, so masked runs can be styled. */
export function maskSegments(value: string | null | undefined): Segment[] {
  if (!value) return []
  const out: Segment[] = []
  for (const m of value.matchAll(/(\*+)|([^*]+)/g)) {
    out.push({ text: m[0], masked: m[1] !== undefined })
  }
  return out
}

/** Whether a user with these permissions is offered the unmask button (the server still decides). */
export function canUnmask(permissions: readonly string[] | undefined): boolean {
  return !!permissions?.includes(UNMASK_PERMISSION)
}

export function canMerge(permissions: readonly string[] | undefined): boolean {
  return !!permissions?.includes(MERGE_PERMISSION)
}

/** Age in whole years on `today`; from the year alone when the birth date is masked (±1). */
export function ageFrom(birthDate: string | null | undefined, today: Date = new Date()): number | null {
  if (!birthDate) return null
  const m = /^(\d{4})-(\d{2}|\*\*)-(\d{2}|\*\*)$/.exec(birthDate)
  if (!m) return null
  const year = Number(m[1])
  let age = today.getFullYear() - year
  if (m[2] !== '**' && m[3] !== '**') {
    const month = Number(m[2])
    const day = Number(m[3])
    const before = today.getMonth() + 1 < month || (today.getMonth() + 1 === month && today.getDate() < day)
    if (before) age -= 1
  }
  return age >= 0 && age < 150 ? age : null
}

export type ResidentSearch = { name: string } | { id_number: string } | { phone: string } | Record<string, never>

/**
 * What the one search box means: an 18-character ID number, an 11-digit mobile
 * number (with or without +86), or otherwise a name. Full-width digits and letters
 * typed with a Chinese input method are normalised first; spaces and dashes inside
 * numbers are ignored.
 */
export function classifySearch(input: string): ResidentSearch {
  const text = input.normalize('NFKC').trim()
  if (!text) return {}
  const compact = text.replace(/[\s-]/g, '')
  if (/^\d{17}[\dXx]$/.test(compact)) return { id_number: compact.toUpperCase() }
  const phone = /^(?:\+?86)?(1\d{10})$/.exec(compact)
  if (phone) return { phone: phone[1] }
  return { name: text.replace(/\s+/g, ' ') }
}
