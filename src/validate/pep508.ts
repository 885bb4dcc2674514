import { SPECIFIER_OPERATORS, type SpecifierOperator, specifierProblem } from './pep440.js'
import { parseMarker } from './pep508-marker.js'
import { Pep508Error, Scanner } from './pep508-scanner.js'

// A recursive-descent parser for PEP 508 dependency specifiers. Where the written grammar and the
// `packaging` library differ (trailing comma in a specifier list, legacy dotted marker names, any
// character inside a quoted marker string), we follow `packaging`, since that is what pip enforces.

/** The parts of a valid dependency specifier. */
export interface Pep508Requirement {
  name: string
  extras: string[]
  specifiers: { op: SpecifierOperator; version: string }[]
  url: string | null
  marker: string | null
}

/** Result of parsing a dependency specifier: the parts, or the first problem and its 0-based offset. */
export type Pep508Parse =
  | { ok: true; value: Pep508Requirement }
  | { ok: false; error: string; offset: number }

const NAME_RE = /[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9_])?/y
const VERSION_CHARS_RE = /[A-Za-z0-9._+!*-]*/y
const ARBITRARY_RE = /[^\s;)]*/y
const URL_RE = /[^ \t]+/y

/** Parses a PEP 508 dependency specifier such as `requests[socks] >=2.31, <3; python_version >= "3.9"`. */
export function parsePep508(spec: string): Pep508Parse {
  const p = new Scanner(spec)
  try {
    return { ok: true, value: parseRequirement(p) }
  } catch (err) {
    if (err instanceof Pep508Error) return { ok: false, error: err.message, offset: err.offset }
    throw err
  }
}

/** True when `spec` is a valid PEP 508 dependency specifier. */
export function isValidPep508(spec: string): boolean {
  return parsePep508(spec).ok
}

function parseRequirement(p: Scanner): Pep508Requirement {
  p.wsp()
  const name = p.match(NAME_RE)
  if (name === null) throw p.error('expected a package name')
  p.wsp()
  const extras = p.peek('[') ? parseExtras(p) : []
  p.wsp()
  let url: string | null = null
  let specifiers: Pep508Requirement['specifiers'] = []
  if (p.eat('@')) {
    p.wsp()
    url = p.match(URL_RE)
    if (url === null) throw p.error("expected a URL after '@'")
    // A URL may itself contain ';', so a marker after a URL must be separated by whitespace.
    const spaced = p.wsp() > 0
    if (p.atEnd()) return { name, extras, specifiers, url, marker: null }
    if (!spaced || !p.peek(';')) throw p.error("expected whitespace and ';' (a marker) after the URL")
  } else {
    specifiers = parseVersionSpec(p)
    p.wsp()
  }
  let marker: string | null = null
  if (p.eat(';')) {
    p.wsp()
    const start = p.pos
    parseMarker(p)
    marker = p.src.slice(start, p.pos).trim()
    p.wsp()
  }
  if (!p.atEnd()) {
    throw p.error(marker === null ? "expected ',' or ';' or the end of the specifier" : 'expected the end')
  }
  return { name, extras, specifiers, url, marker }
}

function parseExtras(p: Scanner): string[] {
  p.eat('[')
  p.wsp()
  const extras: string[] = []
  if (p.eat(']')) return extras
  for (;;) {
    const extra = p.match(NAME_RE)
    if (extra === null) throw p.error('expected an extra name')
    extras.push(extra)
    p.wsp()
    if (p.eat(']')) return extras
    if (!p.eat(',')) throw p.error("expected ',' or ']' in the extras list")
    p.wsp()
  }
}

function parseVersionSpec(p: Scanner): Pep508Requirement['specifiers'] {
  if (p.eat('(')) {
    const specs = parseVersionMany(p)
    p.wsp()
    if (!p.eat(')')) throw p.error("expected ')' to close the version specifier")
    return specs
  }
  return parseVersionMany(p)
}

function parseVersionMany(p: Scanner): Pep508Requirement['specifiers'] {
  const specs: Pep508Requirement['specifiers'] = []
  for (;;) {
    p.wsp()
    const op = SPECIFIER_OPERATORS.find((o) => p.peek(o))
    if (op === undefined) {
      // Nothing at all is fine (a bare name, even `name ()`); so is a trailing comma, as in `packaging`.
      return specs
    }
    p.pos += op.length
    p.wsp()
    const at = p.pos
    if (op === '===') {
      specs.push(...arbitrarySpecifiers(p.match(ARBITRARY_RE) ?? '', at))
    } else {
      const version = p.match(VERSION_CHARS_RE) ?? ''
      const problem = specifierProblem(op, version)
      if (problem !== null) throw new Pep508Error(problem, at)
      specs.push({ op, version })
    }
    p.wsp()
    if (!p.eat(',')) return specs
  }
}

/**
 * `packaging` reads everything up to whitespace, ';' or ')' after `===`, commas included, and only
 * then splits the set on commas; mirror that so `===1,>=2` is judged the way pip judges it.
 */
function arbitrarySpecifiers(token: string, at: number): Pep508Requirement['specifiers'] {
  const [first = '', ...rest] = token.split(',')
  const specs: Pep508Requirement['specifiers'] = []
  const firstProblem = specifierProblem('===', first)
  if (firstProblem !== null) throw new Pep508Error(firstProblem, at)
  specs.push({ op: '===', version: first })
  for (const part of rest) {
    if (part === '') continue
    const op = SPECIFIER_OPERATORS.find((o) => part.startsWith(o))
    const problem =
      op === undefined
        ? `expected a version operator in '${part}'`
        : specifierProblem(op, part.slice(op.length))
    if (op === undefined || problem !== null) throw new Pep508Error(problem ?? 'invalid specifier', at)
    specs.push({ op, version: part.slice(op.length) })
  }
  return specs
}
