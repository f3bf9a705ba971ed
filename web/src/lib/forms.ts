// What the console's record forms share (the quarantine site, delivery point and hospital
// dialogs): typed lists split into items, sizes counted as the server counts them (UTF-8
// bytes), and the districts an account may register a site or hospital in.
import type { Area } from '../api/types'

/**
 * A typed list (usernames, area codes) split at commas, enumeration commas, semicolons
 * and white space, in either script's punctuation; blanks dropped, the first of each kept.
 */
export function splitList(text: string): string[] {
  const out: string[] = []
  for (const part of text.split(/[\s,;\uff0c\u3001\uff1b]+/)) {
    if (part && !out.includes(part)) out.push(part)
  }
  return out
}

/** The server's limits are in UTF-8 bytes (a Chinese character is three). */
export function utf8Bytes(s: string): number {
  return new TextEncoder().encode(s).length
}

/**
 * The districts a site or hospital may be registered in by an account whose node is
 * `mine`: its own district, or the districts among a city's children; none below a
 * district (the server refuses a district outside the account's node).
 */
export function districtsFor(mine: Pick<Area, 'code' | 'name' | 'level'> | null | undefined, children: readonly Area[]): { code: string; name: string }[] {
  if (!mine) return []
  if (mine.level === 'district') return [{ code: mine.code, name: mine.name }]
  if (mine.level === 'city') return children.filter((a) => a.level === 'district').map((a) => ({ code: a.code, name: a.name }))
  return []
}
