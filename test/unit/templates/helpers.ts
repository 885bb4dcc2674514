import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'smol-toml'

/** The committed pyproject fixtures, read as raw bytes. */
export const FIXTURE_DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'pyproject')

/** Every fixture file name with its bytes. */
export function fixtures(): { name: string; bytes: Buffer }[] {
  return readdirSync(FIXTURE_DIR)
    .filter((n) => n.endsWith('.toml'))
    .sort()
    .map((name) => ({ name, bytes: readFileSync(join(FIXTURE_DIR, name)) }))
}

/** Whether every byte of `before` appears in `after` in order (an edit that only inserted). */
export function onlyInserted(before: Buffer, after: Buffer): boolean {
  let i = 0
  for (let j = 0; j < after.length && i < before.length; j++) if (after[j] === before[i]) i++
  return i === before.length
}

/** Common prefix and suffix lengths: the bytes outside them are the edit. */
export function editSpan(before: Buffer, after: Buffer): { prefix: number; suffix: number } {
  let prefix = 0
  while (prefix < before.length && prefix < after.length && before[prefix] === after[prefix]) prefix++
  let suffix = 0
  while (
    suffix < before.length - prefix &&
    suffix < after.length - prefix &&
    before[before.length - 1 - suffix] === after[after.length - 1 - suffix]
  )
    suffix++
  return { prefix, suffix }
}

/** Parsed TOML as plain data. */
export function toml(bytes: Buffer): Record<string, unknown> {
  return JSON.parse(JSON.stringify(parse(bytes.toString('utf8'))))
}
