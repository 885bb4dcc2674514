import { fail } from '../errors/index.js'
import type { CstNode } from './cst.js'
import {
  addressable,
  type Container,
  insideArrayTable,
  KEY_TYPES,
  nodeText,
  same,
  splitKeyPath,
  startsWith,
  type TomlIndex,
  type TomlKeyPath,
  tomlIndex,
} from './toml-index.js'
import { parseElement, serializeKey, serializeLike, tomlSerializeValue, valueEquals } from './toml-value.js'

/**
 * Structural TOML edits on raw bytes. Every edit is a splice of the value or an insertion next to
 * its siblings, so comments, blank lines, quoting, CRLF and odd spacing elsewhere stay byte-identical.
 * Finding things is toml-index.ts; reading and writing values is toml-value.ts.
 */

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
  const idx = tomlIndex(bytes)
  const entries = addressable(idx)
  const existing = entries.find((e) => same(e.path, target))
  if (existing) {
    const old = nodeText(bytes, existing.value)
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
      keyLen: [...nodeText(bytes, key)].length,
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

/**
 * Appends `item` to the array at tablePath.key, keeping single- or multi-line layout, trailing
 * comma style, comments and indentation. An equal item already present means no change; a
 * missing array is created with tomlSet.
 */
export function tomlAppend(bytes: Buffer, tablePath: TomlKeyPath, key: TomlKeyPath, item: unknown): Buffer {
  const target = fullPath(tablePath, key)
  const idx = tomlIndex(bytes)
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
  const strings = elements.filter((el) => el.type === 'string').map((el) => nodeText(bytes, el))
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
