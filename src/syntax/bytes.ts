import { isUtf8 } from 'node:buffer'
import { createHash } from 'node:crypto'
import { fail } from '../errors/index.js'

/** Length of a leading UTF-8 byte order mark (3) or 0. */
export function bomLength(bytes: Buffer): number {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0
}

/** Whether the bytes look binary: a NUL byte or invalid UTF-8. */
export function isBinary(bytes: Buffer): boolean {
  return bytes.indexOf(0) !== -1 || !isUtf8(bytes)
}

/** Throws BINARY_FILE when the bytes must not be parsed as text. */
export function assertText(path: string, bytes: Buffer): void {
  if (isBinary(bytes)) {
    throw fail(
      'BINARY_FILE',
      `${path}: binary file (NUL byte or invalid UTF-8); it cannot be an agent`,
      'Name only UTF-8 text files, or leave this file out of the paths given.',
      { path },
    )
  }
}

/** Text handed to tree-sitter plus the map from its UTF-16 indices back to UTF-8 byte offsets. */
export interface DecodedText {
  text: string
  /** Byte offset in the original buffer of UTF-16 index `i` of `text`. */
  toByte: (i: number) => number
}

/**
 * Decodes for parsing. The node binding feeds tree-sitter UTF-16 and reports UTF-16 code-unit
 * indices, so non-ASCII files need a lookup table; pure-ASCII files map by adding the BOM length.
 * Invalid UTF-8 never throws: each bad byte becomes one U+FFFD (see decodeLossy). `keepBom` leaves
 * a BOM in the text as U+FEFF, as the CST has always parsed it.
 */
export function decodeForParse(bytes: Buffer, keepBom = false): DecodedText {
  const bom = keepBom ? 0 : bomLength(bytes)
  const text = bytes.toString('utf8', bom)
  // Equal lengths also hold when every bad sequence is one byte, and then the identity map is right.
  if (text.length === bytes.length - bom) return { text, toByte: (i) => i + bom }
  if (text.includes('\uFFFD') && !isUtf8(bytes)) return decodeLossy(bytes, bom)
  // Sparse map: for each non-ASCII UTF-16 unit, the extra UTF-8 bytes seen up to and including it.
  const at: number[] = []
  const extra: number[] = []
  let total = 0
  const runs = /[\u0080-\uffff]+/g
  for (let m = runs.exec(text); m !== null; m = runs.exec(text)) {
    const end = m.index + m[0].length
    for (let i = m.index; i < end; i++) {
      const c = text.charCodeAt(i)
      if (c < 0x800) total += 1
      else if (c >= 0xd800 && c <= 0xdbff) {
        // A surrogate pair is 4 UTF-8 bytes for 2 units; the low half never starts a node.
        total += 2
        i++
      } else total += 2
      at.push(i)
      extra.push(total)
    }
  }
  return {
    text,
    toByte: (i) => {
      let lo = 0
      let hi = at.length
      while (lo < hi) {
        const mid = (lo + hi) >> 1
        if (at[mid]! < i) lo = mid + 1
        else hi = mid
      }
      return i + bom + (lo === 0 ? 0 : extra[lo - 1]!)
    },
  }
}

/**
 * Invalid UTF-8: Node's decoder folds a malformed run into one U+FFFD, which would break the
 * offset map, so each bad byte becomes its own U+FFFD and offsets still point at the original bytes.
 */
function decodeLossy(bytes: Buffer, from: number): DecodedText {
  const units: number[] = []
  const at: number[] = []
  let i = from
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
  const byteAt = Uint32Array.from(at)
  return { text, toByte: (u) => byteAt[u] ?? bytes.length }
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

/** Byte offsets where each line starts (index 0 is line 1). */
export function lineStarts(bytes: Buffer): number[] {
  const starts = [0]
  let i = bytes.indexOf(10)
  while (i !== -1) {
    starts.push(i + 1)
    i = bytes.indexOf(10, i + 1)
  }
  return starts
}

/** 1-based line containing byte `offset`, given lineStarts(). */
export function lineAt(starts: number[], offset: number): number {
  let lo = 0
  let hi = starts.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (starts[mid]! <= offset) lo = mid
    else hi = mid - 1
  }
  return lo + 1
}

/** The file's newline style, judged by its first line ending ('\n' when there is none). */
export function detectNewline(bytes: Buffer): '\n' | '\r\n' {
  const i = bytes.indexOf(10)
  return i > 0 && bytes[i - 1] === 13 ? '\r\n' : '\n'
}

/** Content hash used for every node: sha256 hex, first 16 chars. */
export function hashBytes(bytes: Buffer, start = 0, end = bytes.length): string {
  return createHash('sha256').update(bytes.subarray(start, end)).digest('hex').slice(0, 16)
}

/** Start of the line containing `offset`. */
export function lineStartOf(bytes: Buffer, offset: number): number {
  return offset <= 0 ? 0 : bytes.lastIndexOf(10, offset - 1) + 1
}

/** End of the line containing `offset` (the index of its '\r\n' / '\n', or the buffer end). */
export function lineEndOf(bytes: Buffer, offset: number): number {
  let i = bytes.indexOf(10, offset)
  if (i === -1) return bytes.length
  if (i > 0 && bytes[i - 1] === 13) i--
  return i
}

/** The leading spaces/tabs of the line containing `offset`. */
export function indentOfLine(bytes: Buffer, offset: number): string {
  const start = lineStartOf(bytes, offset)
  let i = start
  while (i < bytes.length && (bytes[i] === 32 || bytes[i] === 9)) i++
  return bytes.toString('latin1', start, i)
}
