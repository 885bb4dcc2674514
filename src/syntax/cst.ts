import { createRequire } from 'node:module'

import type Parser = require('tree-sitter')

import { fail } from '../errors/index.js'
import type { LanguageId } from './types.js'

/** A concrete-syntax-tree node as plain data, so other layers can walk a tree without tree-sitter. */
export interface CstNode {
  type: string
  /** Field name under the parent (e.g. 'name', 'body'), or null. */
  field: string | null
  named: boolean
  /** UTF-8 byte offsets into the parsed bytes. */
  startByte: number
  endByte: number
  /** 0-based rows; columns count UTF-8 bytes from the start of the row. */
  startRow: number
  startCol: number
  endRow: number
  endCol: number
  isError: boolean
  isMissing: boolean
  children: CstNode[]
}

const require = createRequire(import.meta.url)
const parsers = new Map<LanguageId, Parser>()

function parserFor(lang: LanguageId): Parser {
  const cached = parsers.get(lang)
  if (cached) return cached
  const grammar = loadGrammar(lang)
  const ParserCtor = require('tree-sitter') as typeof Parser
  const parser = new ParserCtor()
  parser.setLanguage(grammar)
  parsers.set(lang, parser)
  return parser
}

function loadGrammar(lang: LanguageId): Parser.Language {
  if (lang === 'python') return require('tree-sitter-python') as Parser.Language
  if (lang === 'toml') return require('@tree-sitter-grammars/tree-sitter-toml') as Parser.Language
  throw fail(
    'UNSUPPORTED_LANGUAGE',
    `no CST grammar is installed for ${lang}`,
    'hint: parseCst supports python and toml',
    { lang },
  )
}

/**
 * The node binding parses JS strings as UTF-16, so its offsets are code-unit indices.
 * This table maps each UTF-16 index to the UTF-8 byte offset of the same position.
 */
interface Decoded {
  text: string
  byteAt: Uint32Array
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

function decode(bytes: Buffer): Decoded {
  let text: string
  try {
    text = strictUtf8.decode(bytes)
  } catch {
    return decodeLossy(bytes)
  }
  const byteAt = new Uint32Array(text.length + 1)
  let b = 0
  for (let i = 0; i < text.length; i++) {
    byteAt[i] = b
    const c = text.charCodeAt(i)
    if (c < 0x80) b += 1
    else if (c < 0x800) b += 2
    else if (c >= 0xd800 && c <= 0xdbff) b += 4
    else if (c >= 0xdc00 && c <= 0xdfff) b += 0
    else b += 3
  }
  byteAt[text.length] = b
  return { text, byteAt }
}

/** Invalid UTF-8: each bad byte becomes one U+FFFD so offsets still point at the original bytes. */
function decodeLossy(bytes: Buffer): Decoded {
  const units: number[] = []
  const at: number[] = []
  let i = 0
  while (i < bytes.length) {
    const len = sequenceLength(bytes, i)
    if (len === 0) {
      at.push(i)
      units.push(0xfffd)
      i += 1
      continue
    }
    const cp = bytes.toString('utf8', i, i + len).codePointAt(0) ?? 0xfffd
    if (cp > 0xffff) {
      at.push(i, i)
      units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff))
    } else {
      at.push(i)
      units.push(cp)
    }
    i += len
  }
  at.push(bytes.length)
  let text = ''
  for (let k = 0; k < units.length; k += 8192) text += String.fromCharCode(...units.slice(k, k + 8192))
  return { text, byteAt: Uint32Array.from(at) }
}

/** Length of a well-formed UTF-8 sequence at i, or 0 when it is malformed. */
function sequenceLength(bytes: Buffer, i: number): number {
  const b0 = bytes[i] ?? 0
  const cont = (k: number): boolean => ((bytes[i + k] ?? 0) & 0xc0) === 0x80
  if (b0 < 0x80) return 1
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const b1 = bytes[i + 1] ?? 0
    if (b0 === 0xe0 && b1 < 0xa0) return 0
    if (b0 === 0xed && b1 >= 0xa0) return 0
    return cont(1) && cont(2) ? 3 : 0
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const b1 = bytes[i + 1] ?? 0
    if (b0 === 0xf0 && b1 < 0x90) return 0
    if (b0 === 0xf4 && b1 >= 0x90) return 0
    return cont(1) && cont(2) && cont(3) ? 4 : 0
  }
  return 0
}

function lineStarts(bytes: Buffer): number[] {
  const starts = [0]
  let at = bytes.indexOf(0x0a)
  while (at !== -1) {
    starts.push(at + 1)
    at = bytes.indexOf(0x0a, at + 1)
  }
  return starts
}

/** Parse bytes with tree-sitter and return the whole tree as plain CstNode objects (UTF-8 offsets). */
export function parseCst(lang: LanguageId, bytes: Buffer): CstNode {
  const parser = parserFor(lang)
  const { text, byteAt } = decode(bytes)
  // A buffer larger than the text avoids the binding's chunked-read path for big inputs.
  const tree = parser.parse(text, null, { bufferSize: Math.max(32 * 1024, text.length * 2 + 16) })
  const starts = lineStarts(bytes)
  const colOf = (row: number, byte: number): number => byte - (starts[row] ?? 0)
  const cursor = tree.walk()
  const build = (field: string | null): CstNode => {
    const startByte = byteAt[cursor.startIndex] ?? bytes.length
    const endByte = byteAt[cursor.endIndex] ?? bytes.length
    const startRow = cursor.startPosition.row
    const endRow = cursor.endPosition.row
    const type = cursor.nodeType
    const node: CstNode = {
      type,
      field,
      named: cursor.nodeIsNamed,
      startByte,
      endByte,
      startRow,
      startCol: colOf(startRow, startByte),
      endRow,
      endCol: colOf(endRow, endByte),
      isError: type === 'ERROR',
      isMissing: cursor.nodeIsMissing,
      children: [],
    }
    if (cursor.gotoFirstChild()) {
      do {
        node.children.push(build(cursor.currentFieldName || null))
      } while (cursor.gotoNextSibling())
      cursor.gotoParent()
    }
    return node
  }
  return build(null)
}

/** The source bytes a CST node covers. */
export function cstText(bytes: Buffer, node: CstNode): string {
  return bytes.toString('utf8', node.startByte, node.endByte)
}
