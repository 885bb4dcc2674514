/**
 * `git check-ref-format` rules implemented in TypeScript, so every ref we build is checked
 * without spawning a process (see git-check-ref-format(1)).
 */

/** Why `name` is not a valid full ref name, or null when it is valid. */
export function refNameProblem(name: string): string | null {
  if (name.length === 0) return 'is empty'
  if (name === '@') return 'is the single character "@"'
  if (!name.includes('/')) return 'has only one level (full refs look like refs/heads/x)'
  if (name.startsWith('/') || name.endsWith('/')) return 'begins or ends with "/"'
  if (name.includes('//')) return 'contains "//"'
  if (name.endsWith('.')) return 'ends with "."'
  if (name.includes('..')) return 'contains ".."'
  if (name.includes('@{')) return 'contains "@{"'
  for (const ch of name) {
    const code = ch.codePointAt(0) ?? 0
    if (code < 0x20 || code === 0x7f) return 'contains a control character'
    if (' ~^:?*[\\'.includes(ch)) return `contains "${ch}"`
  }
  for (const part of name.split('/')) {
    if (part.startsWith('.')) return `has a component starting with "." (${part})`
    if (part.endsWith('.lock')) return `has a component ending with ".lock" (${part})`
  }
  return null
}

/** True when `name` passes git check-ref-format. */
export function checkRefName(name: string): boolean {
  return refNameProblem(name) === null
}
