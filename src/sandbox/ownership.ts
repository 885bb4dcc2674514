import { fail } from '../errors/index.js'
import type { Ownership } from './types.js'

/** True for directory ownership (path ending in '/' or '' for the whole repo). */
export function isDirOwnership(o: Ownership): boolean {
  return 'whole' in o && (o.path === '' || o.path.endsWith('/'))
}

/** Throws USAGE unless `path` is a clean repo-relative POSIX path that cannot escape the sandbox. */
export function assertSafePath(path: string, allowDir = false): void {
  const bad = (why: string): never => {
    throw fail(
      'USAGE',
      `unsafe path "${path}": ${why}`,
      'Use a repo-relative path without "..", "." or ".git" parts.',
      { path },
    )
  }
  if (path === '' && allowDir) return
  if (path === '') bad('empty')
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) bad('absolute')
  if (/[\0\n\r]/.test(path)) bad('contains NUL or a newline')
  const parts = (allowDir && path.endsWith('/') ? path.slice(0, -1) : path).split('/')
  for (const part of parts) {
    if (part === '' || part === '.' || part === '..') bad('empty, "." or ".." component')
    if (part.toLowerCase() === '.git') bad('touches .git')
  }
}

/** Validates a whole ownership list: safe paths, sane ranges, at most one range per file. */
export function assertOwnership(owns: readonly Ownership[]): void {
  const ranged = new Set<string>()
  for (const o of owns) {
    assertSafePath(o.path, 'whole' in o)
    if ('whole' in o) continue
    if (!(Number.isInteger(o.start) && Number.isInteger(o.end) && o.start >= 0 && o.start <= o.end)) {
      throw fail(
        'USAGE',
        `bad range ${o.start}-${o.end} for ${o.path}`,
        'Use 0 <= start <= end byte offsets.',
        { ...o },
      )
    }
    if (ranged.has(o.path)) {
      throw fail('USAGE', `more than one range owned in ${o.path}`, 'Give one agent one range per file.', {
        path: o.path,
      })
    }
    ranged.add(o.path)
  }
}

/** The ownership covering `path`: whole file or directory first, else its range, else null. */
export function ownerOf(owns: readonly Ownership[], path: string): Ownership | null {
  let range: Ownership | null = null
  for (const o of owns) {
    if ('whole' in o) {
      if (o.path === path || (isDirOwnership(o) && path.startsWith(o.path))) return o
    } else if (o.path === path) range = o
  }
  return range
}

/** Whether `inner` lies within `outer` (a child's ownership inside its parent's). */
export function covers(outer: readonly Ownership[], inner: Ownership): boolean {
  const o = ownerOf(outer, inner.path.endsWith('/') ? `${inner.path}x` : inner.path)
  if (!o) return false
  if ('whole' in o) return !isDirOwnership(inner) || isDirOwnership(o)
  if ('whole' in inner) return false
  return o.start <= inner.start && inner.end <= o.end
}

/** Human form of an ownership for trailers and messages: `path:start-end` or `path:whole`. */
export function describeOwnership(o: Ownership): string {
  return 'whole' in o ? `${o.path === '' ? '.' : o.path}:whole` : `${o.path}:${o.start}-${o.end}`
}
