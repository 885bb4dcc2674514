import { fail } from '../errors/index.js'
import { type CstNode, parseCst } from './cst.js'

/**
 * Where things are in a TOML document: tables, pairs and their key paths, read from the
 * tree-sitter CST so edits (toml-edit.ts) can splice bytes at exact offsets.
 */

/** A key path: segments in order; a string is split on dots outside quotes. */
export type TomlKeyPath = string | readonly string[]

/** Where a pair lives: the document, a [table], a [[array.table]] element, or an inline table. */
export interface Container {
  kind: 'document' | 'table' | 'array_table' | 'inline'
  header: string[]
  node: CstNode
  pairs: CstNode[]
}

/** One key = value pair: its full key path, where it lives, and its CST nodes. */
export interface Entry {
  path: string[]
  container: Container
  pair: CstNode
  key: CstNode
  value: CstNode
}

/** A parsed document: its containers and pairs, and its newline style. */
export interface TomlIndex {
  bytes: Buffer
  containers: Container[]
  entries: Entry[]
  newline: '\n' | '\r\n'
}

/** CST node types that are keys. */
export const KEY_TYPES = new Set(['bare_key', 'quoted_key', 'dotted_key'])

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

/** The source text of a CST node. */
export function nodeText(bytes: Buffer, n: CstNode): string {
  return bytes.toString('utf8', n.startByte, n.endByte)
}

function keyParts(bytes: Buffer, n: CstNode): string[] {
  if (n.type === 'dotted_key')
    return n.children.filter((c) => KEY_TYPES.has(c.type)).flatMap((c) => keyParts(bytes, c))
  const raw = nodeText(bytes, n)
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

/** Indexes a document's tables and pairs; TOML_EDIT_FAILED when it does not parse. */
export function tomlIndex(bytes: Buffer): TomlIndex {
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

/** Whether two key paths are equal. */
export const same = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((s, i) => s === b[i])
/** Whether a key path begins with a prefix. */
export const startsWith = (a: readonly string[], prefix: readonly string[]): boolean =>
  prefix.length <= a.length && prefix.every((s, i) => s === a[i])

/** Entries outside [[array tables]]: only those are addressable by a plain key path. */
export function addressable(idx: TomlIndex): Entry[] {
  return idx.entries.filter((e) => !insideArrayTable(e.container, idx))
}

/** Whether a container is, or sits inside, an [[array table]] element. */
export function insideArrayTable(c: Container, idx: TomlIndex): boolean {
  if (c.kind === 'array_table') return true
  if (c.kind !== 'inline') return false
  return idx.containers.some(
    (o) =>
      o.kind === 'array_table' && o.node.startByte <= c.node.startByte && c.node.endByte <= o.node.endByte,
  )
}

/**
 * 1-based line of the key at a path, where numbers index [[array tables]] and arrays
 * (['blocks', 2, 'select']); falls back to the nearest enclosing key that exists, else null.
 */
export function tomlKeyLine(bytes: Buffer, path: readonly (string | number)[]): number | null {
  let idx: TomlIndex
  try {
    idx = tomlIndex(bytes)
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
  return tomlIndex(bytes)
    .containers.filter(
      (c): c is Container & { kind: 'table' | 'array_table' } =>
        c.kind === 'table' || c.kind === 'array_table',
    )
    .map((c) => ({ header: c.header, kind: c.kind, startByte: c.node.startByte, endByte: c.node.endByte }))
}
