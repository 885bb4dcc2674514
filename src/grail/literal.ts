import type { CstNode } from '../syntax/cst.js'

/** Marker for "this expression is not a plain literal". */
export const NOT_LITERAL: unique symbol = Symbol('not-literal')

const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '0': '\0',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '\n': '',
}

/** Evaluates a Python literal (str, int, float, bool, None, and lists/tuples/dicts of them) from its CST. */
export function literalValue(bytes: Buffer, node: CstNode): unknown | typeof NOT_LITERAL {
  const text = (n: CstNode): string => bytes.toString('utf8', n.startByte, n.endByte)
  const named = node.children.filter((c) => c.named && c.type !== 'comment')
  switch (node.type) {
    case 'integer': {
      const raw = text(node).replaceAll('_', '').toLowerCase()
      const value = raw.startsWith('0o') ? Number.parseInt(raw.slice(2), 8) : Number(raw)
      return Number.isSafeInteger(value) ? value : NOT_LITERAL
    }
    case 'float':
      return Number(text(node).replaceAll('_', ''))
    case 'true':
      return true
    case 'false':
      return false
    case 'none':
      return null
    case 'unary_operator': {
      const operand = node.children.find((c) => c.field === 'argument')
      const op = node.children.find((c) => c.field === 'operator')
      const value = operand ? literalValue(bytes, operand) : NOT_LITERAL
      if (typeof value !== 'number' || !op) return NOT_LITERAL
      return op.type === '-' ? -value : op.type === '+' ? value : NOT_LITERAL
    }
    case 'parenthesized_expression':
      return named.length === 1 && named[0] ? literalValue(bytes, named[0]) : NOT_LITERAL
    case 'string':
      return stringLiteral(bytes, node)
    case 'list':
    case 'tuple': {
      const items = named.map((c) => literalValue(bytes, c))
      return items.includes(NOT_LITERAL) ? NOT_LITERAL : items
    }
    case 'dictionary': {
      const out: Record<string, unknown> = {}
      for (const pair of named) {
        if (pair.type !== 'pair') return NOT_LITERAL
        const k = pair.children.find((c) => c.field === 'key')
        const v = pair.children.find((c) => c.field === 'value')
        const key = k ? literalValue(bytes, k) : NOT_LITERAL
        const value = v ? literalValue(bytes, v) : NOT_LITERAL
        if (typeof key !== 'string' || value === NOT_LITERAL) return NOT_LITERAL
        out[key] = value
      }
      return out
    }
    default:
      return NOT_LITERAL
  }
}

function stringLiteral(bytes: Buffer, node: CstNode): string | typeof NOT_LITERAL {
  const start = node.children.find((c) => c.type === 'string_start')
  if (!start) return NOT_LITERAL
  const prefix = bytes
    .toString('utf8', start.startByte, start.endByte)
    .replace(/["']+$/, '')
    .toLowerCase()
  if (prefix !== '' && prefix !== 'r' && prefix !== 'u') return NOT_LITERAL
  let out = ''
  for (const part of node.children) {
    if (part.type === 'string_content') out += bytes.toString('utf8', part.startByte, part.endByte)
    else if (part.type === 'escape_sequence') {
      const raw = bytes.toString('utf8', part.startByte, part.endByte)
      if (prefix === 'r') out += raw
      else {
        const decoded = decodeEscape(raw)
        if (decoded === null) return NOT_LITERAL
        out += decoded
      }
    } else if (part.type === 'interpolation') return NOT_LITERAL
  }
  return out
}

function decodeEscape(raw: string): string | null {
  const body = raw.slice(1)
  const simple = ESCAPES[body]
  if (simple !== undefined) return simple
  if (/^(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})$/.test(body)) {
    return String.fromCodePoint(Number.parseInt(body.slice(1), 16))
  }
  return null
}
