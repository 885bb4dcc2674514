import { fail } from '../errors/index.js'

/** Oldest git we support: worktree, `update-ref --stdin` transactions and `rev-parse --path-format`. */
export const MIN_GIT_VERSION: readonly [number, number] = [2, 38]

/** Parses `git version 2.39.5` (vendor suffixes allowed) into [major, minor, patch]. */
export function parseGitVersion(output: string): [number, number, number] | null {
  const m = /git version (\d+)\.(\d+)(?:\.(\d+))?/.exec(output)
  if (!m) return null
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)]
}

/** Throws GIT_TOO_OLD unless `output` names a version at or above the minimum. */
export function assertGitVersion(output: string): [number, number, number] {
  const v = parseGitVersion(output)
  const [minMajor, minMinor] = MIN_GIT_VERSION
  const min = `${minMajor}.${minMinor}`
  if (!v)
    throw fail(
      'GIT_TOO_OLD',
      `cannot read the git version from "${output.trim()}"`,
      `Install git ${min} or newer.`,
    )
  if (v[0] < minMajor || (v[0] === minMajor && v[1] < minMinor)) {
    throw fail('GIT_TOO_OLD', `git ${v.join('.')} is older than ${min}`, `Install git ${min} or newer.`, {
      version: v.join('.'),
    })
  }
  return v
}
