import { parse as parseToml, TomlDate, TomlError } from 'smol-toml'
import { fail } from '../errors/index.js'
import type { CstNode } from './cst.js'
import { nodeText, splitKeyPath, type TomlKeyPath } from './toml-index.js'

// TOML values: reading them (smol-toml) and writing them as inline TOML.

/** The value at a key path (parsed with smol-toml), or undefined when it is absent. */
export function tomlGet(bytes: Buffer, keyPath: TomlKeyPath): unknown {
  let cur: unknown = parseDocument(bytes)
  for (const seg of splitKeyPath(keyPath)) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || cur instanceof TomlDate)
      return undefined
    cur = Object.hasOwn(cur, seg) ? (cur as Record<string, unknown>)[seg] : undefined
    if (cur === undefined) return undefined
  }
  return cur
}

function parseDocument(bytes: Buffer): Record<string, unknown> {
  try {
    return parseToml(bytes.toString('utf8'))
  } catch (err) {
    const where = err instanceof TomlError ? ` at line ${err.line}, column ${err.column}` : ''
    throw fail(
      'TOML_EDIT_FAILED',
      `TOML does not parse${where}: ${firstLine(err)}`,
      'Fix the TOML syntax before editing it.',
      {},
      err,
    )
  }
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? ''
}

/** Serialises a JS value as an inline TOML value (strings as basic strings, objects as inline tables). */
export function tomlSerializeValue(value: unknown): string {
  if (typeof value === 'string') return basicString(value)
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'nan'
    if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf'
    return String(value)
  }
  if (value instanceof TomlDate) return value.toISOString()
  if (value instanceof Date) return value.toISOString()
  if (Array.isArray(value)) return `[${value.map(tomlSerializeValue).join(', ')}]`
  if (value instanceof Map) return tomlSerializeValue(Object.fromEntries(value))
  if (value !== null && typeof value === 'object') {
    const parts = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${serializeKey(k)} = ${tomlSerializeValue(v)}`)
    return parts.length === 0 ? '{}' : `{ ${parts.join(', ')} }`
  }
  throw fail(
    'TOML_EDIT_FAILED',
    `cannot write ${value === null ? 'null' : typeof value} as a TOML value`,
    'TOML has no null: leave the key out, or use a string, number, boolean, array or table.',
  )
}

/** A key as written in TOML: bare when it can be, quoted otherwise. */
export function serializeKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : basicString(key)
}

function basicString(s: string): string {
  // JSON escapes are valid TOML basic-string escapes; DEL must also be escaped in TOML.
  return JSON.stringify(s).replaceAll('\x7f', '\\u007F')
}

/** A literal string ('...') cannot hold a quote, a newline or control characters other than tab. */
function literalSafe(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c === 0x27 || c === 0x7f || (c < 0x20 && c !== 0x09)) return false
  }
  return true
}

/** A value written the way the old one was: a literal string stays literal when it can. */
export function serializeLike(old: string, value: unknown): string {
  if (typeof value === 'string' && old.startsWith("'") && !old.startsWith("'''") && literalSafe(value)) {
    return `'${value}'`
  }
  return tomlSerializeValue(value)
}

/** Whether two TOML values are equal (key order and date objects aside). */
export function valueEquals(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b))
}

function canonical(v: unknown): unknown {
  if (v instanceof TomlDate || v instanceof Date) return v.toISOString()
  if (typeof v === 'bigint') return Number(v)
  if (Array.isArray(v)) return v.map(canonical)
  if (v instanceof Map) return canonical(Object.fromEntries(v))
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, x]) => [k, canonical(x)]),
    )
  }
  return v
}

/** An array element's value, or a symbol equal to nothing when it does not parse alone. */
export function parseElement(bytes: Buffer, n: CstNode): unknown {
  try {
    return parseToml(`v = ${nodeText(bytes, n)}`).v
  } catch {
    return Symbol('unparsed')
  }
}
