import { parse as parseToml, TomlDate, TomlError } from 'smol-toml'
import { fail } from '../errors/index.js'
import { type CstNode, parseCst } from './cst.js'

/**
 * Structural TOML edits on raw bytes. Every edit is a splice of the value or an insertion next to
 * its siblings, so comments, blank lines, quoting, CRLF and odd spacing elsewhere stay byte-identical.
 */

/** A key path: segments in order; a string is split on dots outside quotes. */
export type TomlKeyPath = string | readonly string[]

/** Where a pair lives: the document, a [table], a [[array.table]] element, or an inline table. */
interface Container {
  kind: 'document' | 'table' | 'array_table' | 'inline'
  header: string[]
  node: CstNode
  pairs: CstNode[]
}

interface Entry {
  path: string[]
  container: Container
  pair: CstNode
  key: CstNode
  value: CstNode
}

interface TomlIndex {
  bytes: Buffer
  containers: Container[]
  entries: Entry[]
  newline: '\n' | '\r\n'
}

const KEY_TYPES = new Set(['bare_key', 'quoted_key', 'dotted_key'])

/** Splits 'tool."a.b".c' into ['tool', 'a.b', 'c']. */
export function splitKeyPath(path: TomlKeyPath): string[] {
  if (typeof path !== 'string') return [...path]
  if (path.trim() === '') return []
  const out: string[] = []
  let cur = ''
  let quote: string | null = null
  for (const ch of path) {
    if (quote) {
      if (ch === quote) quote = null
      else cur += ch
    } else if (ch === '"' || ch === "'") quote = ch
    else if (ch === '.') {
      out.push(cur.trim())
      cur = ''
    } else cur += ch
  }
  out.push(cur.trim())
  return out
}

function text(bytes: Buffer, n: CstNode): string {
  return bytes.toString('utf8', n.startByte, n.endByte)
}

function keyParts(bytes: Buffer, n: CstNode): string[] {
  if (n.type === 'dotted_key')
    return n.children.filter((c) => KEY_TYPES.has(c.type)).flatMap((c) => keyParts(bytes, c))
  const raw = text(bytes, n)
  if (n.type === 'quoted_key') {
    if (raw.startsWith("'")) return [raw.slice(1, -1)]
    try {
      const v: unknown = JSON.parse(raw)
      return [typeof v === 'string' ? v : raw.slice(1, -1)]
    } catch {
      return [raw.slice(1, -1)]
    }
  }
  return [raw]
}

function firstError(n: CstNode): CstNode | null {
  if (n.isError || n.isMissing) return n
  for (const c of n.children) {
    const e = firstError(c)
    if (e) return e
  }
  return null
}

function detectNewline(bytes: Buffer): '\n' | '\r\n' {
  const at = bytes.indexOf(0x0a)
  return at > 0 && bytes[at - 1] === 0x0d ? '\r\n' : '\n'
}

function index(bytes: Buffer): TomlIndex {
  const root = parseCst('toml', bytes)
  const bad = firstError(root)
  if (bad) {
    throw fail(
      'TOML_EDIT_FAILED',
      `TOML syntax error at line ${bad.startRow + 1}, column ${bad.startCol + 1}; refusing to edit`,
      'Fix the TOML syntax first (the edit would otherwise guess at the structure).',
      { line: bad.startRow + 1, column: bad.startCol + 1 },
    )
  }
  const containers: Container[] = []
  const entries: Entry[] = []
  const addContainer = (c: Container): void => {
    containers.push(c)
    for (const pair of c.pairs) {
      const key = pair.children.find((k) => KEY_TYPES.has(k.type))
      const value = [...pair.children]
        .reverse()
        .find((v) => v.named && !KEY_TYPES.has(v.type) && v.type !== 'comment')
      if (!key || !value) continue
      const path = [...c.header, ...keyParts(bytes, key)]
      entries.push({ path, container: c, pair, key, value })
      if (value.type === 'inline_table') {
        addContainer({
          kind: 'inline',
          header: path,
          node: value,
          pairs: value.children.filter((p) => p.type === 'pair'),
        })
      }
    }
  }
  const topPairs = root.children.filter((c) => c.type === 'pair')
  addContainer({ kind: 'document', header: [], node: root, pairs: topPairs })
  for (const c of root.children) {
    if (c.type !== 'table' && c.type !== 'table_array_element') continue
    const headerKey = c.children.find((k) => KEY_TYPES.has(k.type))
    if (!headerKey) continue
    addContainer({
      kind: c.type === 'table' ? 'table' : 'array_table',
      header: keyParts(bytes, headerKey),
      node: c,
      pairs: c.children.filter((p) => p.type === 'pair'),
    })
  }
  return { bytes, containers, entries, newline: detectNewline(bytes) }
}

const same = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((s, i) => s === b[i])
const startsWith = (a: readonly string[], prefix: readonly string[]): boolean =>
  prefix.length <= a.length && prefix.every((s, i) => s === a[i])

/** Entries outside [[array tables]]: only those are addressable by a plain key path. */
function addressable(idx: TomlIndex): Entry[] {
  return idx.entries.filter((e) => !insideArrayTable(e.container, idx))
}

function insideArrayTable(c: Container, idx: TomlIndex): boolean {
  if (c.kind === 'array_table') return true
  if (c.kind !== 'inline') return false
  return idx.containers.some(
    (o) =>
      o.kind === 'array_table' && o.node.startByte <= c.node.startByte && c.node.endByte <= o.node.endByte,
  )
}

function splice(bytes: Buffer, start: number, end: number, insert: string): Buffer {
  return Buffer.concat([bytes.subarray(0, start), Buffer.from(insert, 'utf8'), bytes.subarray(end)])
}

/** Offset of the end of the line holding `offset` (before its \r\n or \n). */
function lineEnd(bytes: Buffer, offset: number): number {
  let nl = bytes.indexOf(0x0a, offset)
  if (nl === -1) return bytes.length
  if (nl > 0 && bytes[nl - 1] === 0x0d) nl -= 1
  return nl
}

function lineStart(bytes: Buffer, offset: number): number {
  return offset === 0 ? 0 : bytes.lastIndexOf(0x0a, offset - 1) + 1
}

/** Whitespace before a node when it is first on its line, else spaces up to its column. */
function indentOf(bytes: Buffer, n: CstNode): string {
  const prefix = bytes.toString('utf8', lineStart(bytes, n.startByte), n.startByte)
  return /^[ \t]*$/.test(prefix) ? prefix : ' '.repeat([...prefix].length)
}

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

function serializeLike(old: string, value: unknown): string {
  if (typeof value === 'string' && old.startsWith("'") && !old.startsWith("'''") && literalSafe(value)) {
    return `'${value}'`
  }
  return tomlSerializeValue(value)
}

function fullPath(tablePath: TomlKeyPath, key: TomlKeyPath): string[] {
  return [...splitKeyPath(tablePath), ...splitKeyPath(key)]
}

/**
 * Sets `key` in the table at `tablePath`: replaces the value in place when the key exists,
 * otherwise adds `key = value` after the table's last pair (same indentation and newline style),
 * creating the table (after its nearest relative) when it is missing.
 */
export function tomlSet(bytes: Buffer, tablePath: TomlKeyPath, key: TomlKeyPath, value: unknown): Buffer {
  const target = fullPath(tablePath, key)
  if (target.length === 0) throw badPath('an empty key path')
  const serialized = tomlSerializeValue(value)
  const idx = index(bytes)
  const entries = addressable(idx)
  const existing = entries.find((e) => same(e.path, target))
  if (existing) {
    const old = text(bytes, existing.value)
    const next = serializeLike(old, value)
    return old === next ? bytes : splice(bytes, existing.value.startByte, existing.value.endByte, next)
  }
  assertAddable(idx, target)
  return insertPair(idx, target, serialized)
}

function badPath(what: string): Error {
  return fail(
    'TOML_EDIT_FAILED',
    `cannot edit ${what}`,
    'Name a key inside a table, e.g. "project.dependencies".',
  )
}

/** Refuses paths that run through a non-table value, name a table, or live under [[array tables]]. */
function assertAddable(idx: TomlIndex, target: string[]): void {
  const dotted = target.join('.')
  for (const e of addressable(idx)) {
    if (startsWith(target, e.path) && e.value.type !== 'inline_table') {
      throw fail(
        'TOML_EDIT_FAILED',
        `cannot set ${dotted}: ${e.path.join('.')} is a ${e.value.type}, not a table`,
        'Set the key itself, or pick a key path that goes through tables only.',
        { keyPath: dotted },
      )
    }
  }
  for (const c of idx.containers) {
    if (c.kind === 'document' || c.kind === 'inline') continue
    if (same(c.header, target) || (c.kind === 'array_table' && startsWith(target, c.header))) {
      throw fail(
        'TOML_EDIT_FAILED',
        `cannot set ${dotted}: it is ${c.kind === 'table' ? 'a table' : 'inside an array of tables'}`,
        'Set keys inside the table instead (e.g. "tool.ruff.line-length").',
        { keyPath: dotted },
      )
    }
  }
}

function insertPair(idx: TomlIndex, target: string[], serialized: string): Buffer {
  const { bytes, newline } = idx
  // Deepest container that is a prefix of the target: [table], inline table or the document.
  const candidates = idx.containers
    .filter(
      (c) => c.kind !== 'array_table' && startsWith(target, c.header) && target.length > c.header.length,
    )
    .filter((c) => !insideArrayTable(c, idx))
    .sort((a, b) => b.header.length - a.header.length)
  const tablePath = target.slice(0, -1)
  for (const c of candidates) {
    const rel = target.slice(c.header.length)
    // Writing a dotted key is right only when the container already owns pairs under that prefix.
    const viaDotted =
      rel.length === 1 ||
      c.kind === 'inline' ||
      addressable(idx).some(
        (e) => e.container === c && startsWith(e.path, tablePath) && e.path.length > tablePath.length,
      )
    if (!viaDotted) continue
    const keyText = rel.map(serializeKey).join('.')
    return c.kind === 'inline'
      ? addToInline(bytes, c, keyText, serialized)
      : addToTable(idx, c, keyText, serialized)
  }
  return addTable(idx, tablePath, target[target.length - 1]!, serialized, newline)
}

function addToInline(bytes: Buffer, c: Container, keyText: string, serialized: string): Buffer {
  const last = c.pairs[c.pairs.length - 1]
  const close = c.node.children.find((x) => x.type === '}')
  if (!last) {
    if (!close) throw badPath('an inline table without a closing brace')
    return splice(bytes, c.node.startByte + 1, close.startByte, ` ${keyText} = ${serialized} `)
  }
  return splice(bytes, last.endByte, last.endByte, `, ${keyText} = ${serialized}`)
}

function addToTable(idx: TomlIndex, c: Container, keyText: string, serialized: string): Buffer {
  const { bytes, newline } = idx
  const last = c.pairs[c.pairs.length - 1]
  if (!last) {
    if (c.kind === 'document') {
      const firstTable = idx.containers.find((x) => x.kind === 'table' || x.kind === 'array_table')
      const line = `${keyText} = ${serialized}`
      if (!firstTable) return appendAtEnd(bytes, line, newline, false)
      return splice(
        bytes,
        firstTable.node.startByte,
        firstTable.node.startByte,
        `${line}${newline}${newline}`,
      )
    }
    const close = c.node.children.find((x) => x.type === ']')
    const at = lineEnd(bytes, close ? close.endByte : c.node.startByte)
    return splice(bytes, at, at, `${newline}${keyText} = ${serialized}`)
  }
  const sep = separatorFor(bytes, c.pairs, keyText)
  // A pair's range may end past the '\r' of its line ending; insert before the line ending instead.
  const at = lineEnd(bytes, bytes[last.endByte - 1] === 0x0d ? last.endByte - 1 : last.endByte)
  return splice(bytes, at, at, `${newline}${indentOf(bytes, last)}${keyText}${sep}${serialized}`)
}

/** Keeps the table's '=' style: aligned columns when every pair aligns, else the last pair's spacing. */
function separatorFor(bytes: Buffer, pairs: CstNode[], keyText: string): string {
  const shape = pairs.map((p) => {
    const key = p.children.find((k) => KEY_TYPES.has(k.type))!
    const eq = p.children.find((k) => k.type === '=')!
    const value = p.children.find((k) => k.named && !KEY_TYPES.has(k.type) && k.type !== 'comment')
    return {
      keyLen: [...text(bytes, key)].length,
      eqCol: p.startCol + [...bytes.toString('utf8', p.startByte, eq.startByte)].length,
      before: bytes.toString('utf8', key.endByte, eq.startByte),
      after: value ? bytes.toString('utf8', eq.endByte, value.startByte) : ' ',
      startCol: p.startCol,
    }
  })
  const last = shape[shape.length - 1]!
  const after = last.after === '' ? '' : ' '
  const first = shape[0]!
  const aligned =
    shape.length >= 2 &&
    shape.every((s) => s.eqCol === first.eqCol && s.startCol === first.startCol) &&
    new Set(shape.map((s) => s.keyLen)).size > 1
  const keyLen = [...keyText].length
  if (aligned && first.eqCol - first.startCol > keyLen) {
    return `${' '.repeat(first.eqCol - first.startCol - keyLen)}=${after}`
  }
  return `${last.before === '' ? '' : ' '}=${after}`
}

/** Appends a block; text that ends without a newline (a file, or a node's bytes) keeps ending without one. */
function appendAtEnd(bytes: Buffer, block: string, newline: string, blankBefore: boolean): Buffer {
  const open = bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a
  let prefix = open ? newline : ''
  if (blankBefore && bytes.length > 0) prefix += newline
  return Buffer.concat([bytes, Buffer.from(`${prefix}${block}${open ? '' : newline}`, 'utf8')])
}

/** Adds a new [table] after the last table sharing the longest prefix with it, else at the end. */
function addTable(
  idx: TomlIndex,
  tablePath: string[],
  key: string,
  serialized: string,
  newline: string,
): Buffer {
  const { bytes } = idx
  const header = `[${tablePath.map(serializeKey).join('.')}]`
  const block = `${header}${newline}${serializeKey(key)} = ${serialized}`
  let best: Container | null = null
  let bestLen = 0
  for (const c of idx.containers) {
    if (c.kind !== 'table' && c.kind !== 'array_table') continue
    let n = 0
    while (n < c.header.length && n < tablePath.length && c.header[n] === tablePath[n]) n++
    if (n > 0 && n >= bestLen) {
      best = c
      bestLen = n
    }
  }
  const next =
    best && idx.containers.find((c) => c.kind !== 'inline' && c.node.startByte >= best.node.endByte)
  if (!best || !next) return appendAtEnd(bytes, block, newline, bytes.length > 0)
  const anchor = lastContentEnd(bytes, best)
  return splice(bytes, anchor, anchor, `${newline}${newline}${block}`)
}

/** End of a table's last pair line (or its header); comments further down belong to what follows. */
function lastContentEnd(bytes: Buffer, c: Container): number {
  const last = c.pairs[c.pairs.length - 1]
  if (last) return lineEnd(bytes, last.endByte)
  const close = c.node.children.find((x) => x.type === ']' || x.type === ']]')
  return lineEnd(bytes, close ? close.endByte : c.node.startByte)
}

function valueEquals(a: unknown, b: unknown): boolean {
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

function parseElement(bytes: Buffer, n: CstNode): unknown {
  try {
    return parseToml(`v = ${text(bytes, n)}`).v
  } catch {
    return Symbol('unparsed')
  }
}

/**
 * Appends `item` to the array at tablePath.key, keeping single- or multi-line layout, trailing
 * comma style, comments and indentation. An equal item already present means no change; a
 * missing array is created with tomlSet.
 */
export function tomlAppend(bytes: Buffer, tablePath: TomlKeyPath, key: TomlKeyPath, item: unknown): Buffer {
  const target = fullPath(tablePath, key)
  const idx = index(bytes)
  const entry = addressable(idx).find((e) => same(e.path, target))
  if (!entry) return tomlSet(bytes, tablePath, key, [item])
  const arr = entry.value
  if (arr.type !== 'array') {
    throw fail(
      'TOML_EDIT_FAILED',
      `cannot append to ${target.join('.')}: it is a ${arr.type}, not an array`,
      'Append only to arrays; use toml_set to replace other values.',
      { keyPath: target.join('.') },
    )
  }
  const elements = arr.children.filter((c) => c.named && c.type !== 'comment')
  if (elements.some((el) => valueEquals(parseElement(bytes, el), item))) return bytes
  // Follow the array's quoting: all-literal ('...') string arrays get a literal string when possible.
  const strings = elements.filter((el) => el.type === 'string').map((el) => text(bytes, el))
  const literal = strings.length > 0 && strings.every((s) => s.startsWith("'"))
  const serialized = literal ? serializeLike("'", item) : tomlSerializeValue(item)
  const open = arr.children[0]!
  const close = arr.children[arr.children.length - 1]!
  const last = elements[elements.length - 1]
  const multiLine = close.startRow > open.startRow
  if (!last) {
    if (!multiLine) return splice(bytes, open.endByte, close.startByte, serialized)
    const indent = `${indentOf(bytes, entry.pair)}    `
    return splice(bytes, open.endByte, open.endByte, `${idx.newline}${indent}${serialized},`)
  }
  const after = arr.children[arr.children.indexOf(last) + 1]
  const comma = after && after.type === ',' ? after : null
  if (!multiLine) {
    const first = elements[0]!
    const firstComma = arr.children[arr.children.indexOf(first) + 1]
    const spaced =
      firstComma?.type !== ',' || elements.length < 2 || elements[1]!.startByte > firstComma.endByte
    const gap = spaced ? ' ' : ''
    if (comma) return splice(bytes, comma.endByte, comma.endByte, `${gap}${serialized},`)
    return splice(bytes, last.endByte, last.endByte, `,${gap}${serialized}`)
  }
  const indent = indentOf(bytes, last)
  const anchor = comma ?? last
  const trailing = comma ? ',' : ''
  const addComma = comma ? '' : ','
  if (close.startRow > anchor.endRow) {
    const at = lineEnd(bytes, anchor.endByte)
    const withLine = splice(bytes, at, at, `${idx.newline}${indent}${serialized}${trailing}`)
    return addComma ? splice(withLine, last.endByte, last.endByte, addComma) : withLine
  }
  return splice(
    bytes,
    anchor.endByte,
    anchor.endByte,
    `${addComma}${idx.newline}${indent}${serialized}${trailing}`,
  )
}

/**
 * 1-based line of the key at a path, where numbers index [[array tables]] and arrays
 * (['blocks', 2, 'select']); falls back to the nearest enclosing key that exists, else null.
 */
export function tomlKeyLine(bytes: Buffer, path: readonly (string | number)[]): number | null {
  let idx: TomlIndex
  try {
    idx = index(bytes)
  } catch {
    return null
  }
  for (let n = path.length; n > 0; n--) {
    const line = lineOf(idx, path.slice(0, n))
    if (line !== null) return line
  }
  return null
}

function lineOf(idx: TomlIndex, path: readonly (string | number)[]): number | null {
  let lo = 0
  let hi = idx.bytes.length
  const keys: string[] = []
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!
    if (typeof seg === 'string') {
      keys.push(seg)
      continue
    }
    const elements = idx.containers.filter(
      (c) =>
        c.kind === 'array_table' && same(c.header, keys) && c.node.startByte >= lo && c.node.startByte < hi,
    )
    const el = elements[seg]
    if (el) {
      if (i === path.length - 1) return el.node.startRow + 1
      lo = el.node.startByte
      hi = elements[seg + 1]?.node.startByte ?? hi
      continue
    }
    const arr = idx.entries.find((e) => same(e.path, keys) && e.pair.startByte >= lo && e.pair.startByte < hi)
    const item = arr?.value.children.filter((c) => c.named && c.type !== 'comment')[seg]
    return i === path.length - 1 && item ? item.startRow + 1 : null
  }
  const hit = idx.entries.find((e) => same(e.path, keys) && e.pair.startByte >= lo && e.pair.startByte < hi)
  if (hit) return hit.key.startRow + 1
  const table = idx.containers.find(
    (c) => c.kind === 'table' && same(c.header, keys) && c.node.startByte >= lo && c.node.startByte < hi,
  )
  return table ? table.node.startRow + 1 : null
}

/** A top-level [table] or [[array table]] with its byte range, for callers that group tables. */
export interface TomlTableSpan {
  header: string[]
  kind: 'table' | 'array_table'
  startByte: number
  endByte: number
}

/** Every table header in document order with its byte range (as tree-sitter delimits it). */
export function tomlTables(bytes: Buffer): TomlTableSpan[] {
  return index(bytes)
    .containers.filter(
      (c): c is Container & { kind: 'table' | 'array_table' } =>
        c.kind === 'table' || c.kind === 'array_table',
    )
    .map((c) => ({ header: c.header, kind: c.kind, startByte: c.node.startByte, endByte: c.node.endByte }))
}
