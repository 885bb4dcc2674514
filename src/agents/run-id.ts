import { randomBytes } from 'node:crypto'

/** Run ids read as a timestamp plus a short random tag: `20261125-1203-a1b2` (UTC). */
export function newRunId(now: Date = new Date(), random: () => string = randomHex4): string {
  const p = (n: number): string => String(n).padStart(2, '0')
  const day = `${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}`
  return `${day}-${p(now.getUTCHours())}${p(now.getUTCMinutes())}-${random()}`
}

/** Whether a string has the run-id shape (checked before it reaches a ref name). */
export function isRunId(id: string): boolean {
  return /^\d{8}-\d{4}-[0-9a-f]{4}$/.test(id)
}

function randomHex4(): string {
  return randomBytes(2).toString('hex')
}
