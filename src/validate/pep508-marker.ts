import { SPECIFIER_OPERATORS } from './pep440.js'
import type { Scanner } from './pep508-scanner.js'

// Environment markers (the part after ';'): `or` binds looser than `and`, parentheses group, and a
// comparison is `var op var` where either side is a marker variable or a quoted string.

const ENV_VAR_RE =
  /(?:python_version|python_full_version|os[._]name|sys[._]platform|platform_(?:release|system)|platform[._](?:version|machine|python_implementation)|python_implementation|implementation_(?:name|version)|extras?|dependency_groups)(?![A-Za-z0-9_])/y
const MARKER_OPS = [...SPECIFIER_OPERATORS]

/** Parses one marker expression starting at the scanner's position; throws Pep508Error. */
export function parseMarker(p: Scanner): void {
  parseMarkerOr(p)
}

function parseMarkerOr(p: Scanner): void {
  parseMarkerAnd(p)
  for (;;) {
    const save = p.pos
    p.wsp()
    if (!p.keyword('or')) {
      p.pos = save
      return
    }
    parseMarkerAnd(p)
  }
}

function parseMarkerAnd(p: Scanner): void {
  parseMarkerAtom(p)
  for (;;) {
    const save = p.pos
    p.wsp()
    if (!p.keyword('and')) {
      p.pos = save
      return
    }
    parseMarkerAtom(p)
  }
}

function parseMarkerAtom(p: Scanner): void {
  p.wsp()
  if (p.eat('(')) {
    parseMarkerOr(p)
    p.wsp()
    if (!p.eat(')')) throw p.error("expected ')' to close the marker group")
    return
  }
  parseMarkerVar(p)
  p.wsp()
  parseMarkerOp(p)
  p.wsp()
  parseMarkerVar(p)
}

function parseMarkerVar(p: Scanner): void {
  const quote = p.src[p.pos]
  if (quote === '"' || quote === "'") {
    const close = p.src.indexOf(quote, p.pos + 1)
    if (close < 0) throw p.error('unterminated quoted string in marker')
    p.pos = close + 1
    return
  }
  if (p.match(ENV_VAR_RE) === null) throw p.error('expected a marker variable or a quoted string')
}

function parseMarkerOp(p: Scanner): void {
  const op = MARKER_OPS.find((o) => p.peek(o))
  if (op !== undefined) {
    p.pos += op.length
    return
  }
  if (p.keyword('in')) return
  const save = p.pos
  if (p.keyword('not') && p.wsp() > 0 && p.keyword('in')) return
  p.pos = save
  throw p.error(`expected a marker operator (${MARKER_OPS.join(' ')} in, not in)`)
}
