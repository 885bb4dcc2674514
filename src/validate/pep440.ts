// PEP 440 version and specifier checks, following the regexes of the `packaging` library
// (the de facto reference implementation) so that what we accept is what pip accepts.

const EPOCH_RELEASE = String.raw`v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*`
const EPOCH_RELEASE_2 = String.raw`v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)+`
const PRE = '(?:[-_.]?(?:alpha|beta|preview|pre|a|b|c|rc)[-_.]?[0-9]*)?'
const POST = '(?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?'
const DEV = '(?:[-_.]?dev[-_.]?[0-9]*)?'
const LOCAL = String.raw`(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?`

const VERSION_RE = new RegExp(`^${EPOCH_RELEASE}${PRE}${POST}${DEV}${LOCAL}$`, 'i')
// `==` / `!=` may use a `.*` prefix match (release only) or a full version with a local label.
const EQUALITY_RE = new RegExp(`^${EPOCH_RELEASE}(?:\\.\\*|${PRE}${POST}${DEV}${LOCAL})$`, 'i')
// `~=` needs at least two release segments and allows neither wildcards nor local labels.
const COMPATIBLE_RE = new RegExp(`^${EPOCH_RELEASE_2}${PRE}${POST}${DEV}$`, 'i')
// Ordered comparisons allow neither wildcards nor local labels.
const ORDERED_RE = new RegExp(`^${EPOCH_RELEASE}${PRE}${POST}${DEV}$`, 'i')

/** Version comparison operators, longest first so a scanner can match greedily. */
export const SPECIFIER_OPERATORS = ['===', '~=', '==', '!=', '<=', '>=', '<', '>'] as const

/** One of the PEP 440 comparison operators. */
export type SpecifierOperator = (typeof SPECIFIER_OPERATORS)[number]

/** True when `version` is a valid PEP 440 version (as accepted by `packaging.version.Version`). */
export function isValidVersion(version: string): boolean {
  return VERSION_RE.test(version.trim())
}

/** Why `version` is not allowed after `op`, or null when the pair is a valid specifier. */
export function specifierProblem(op: SpecifierOperator, version: string): string | null {
  if (version.length === 0) return `expected a version after '${op}'`
  if (op === '===') return /^[^\s;),]+$/.test(version) ? null : `invalid arbitrary version '${version}'`
  if (op === '==' || op === '!=') {
    return EQUALITY_RE.test(version) ? null : `invalid version '${version}' after '${op}'`
  }
  if (op === '~=') {
    if (version.endsWith('.*')) return `'.*' can only be used with '==' or '!='`
    if (version.includes('+')) return `a local version label can only be used with '==' or '!='`
    return COMPATIBLE_RE.test(version)
      ? null
      : `'~=' needs a version with at least two release segments, got '${version}'`
  }
  if (version.endsWith('.*')) return `'.*' can only be used with '==' or '!='`
  if (version.includes('+')) return `a local version label can only be used with '==' or '!='`
  return ORDERED_RE.test(version) ? null : `invalid version '${version}' after '${op}'`
}

/**
 * Checks a bare specifier set such as `>=3.9, <4` (used by `requires-python`).
 * Returns null when valid, otherwise a one-line reason.
 */
export function specifierSetProblem(spec: string): string | null {
  const trimmed = spec.trim()
  if (trimmed === '') return null
  const parts = trimmed.split(',').map((p) => p.trim())
  // A single trailing comma is tolerated, as `packaging` does.
  if (parts.length > 1 && parts.at(-1) === '') parts.pop()
  for (const part of parts) {
    const op = SPECIFIER_OPERATORS.find((o) => part.startsWith(o))
    if (op === undefined) return `expected an operator (${SPECIFIER_OPERATORS.join(' ')}) in '${part}'`
    const problem = specifierProblem(op, part.slice(op.length).trim())
    if (problem !== null) return problem
  }
  return null
}
