import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  bomLength,
  decodeForParse,
  detectNewline,
  indentOfLine,
  isBinary,
  lineAt,
  lineStarts,
} from '../../../src/syntax/bytes.js'

describe('decodeForParse maps UTF-16 indices to UTF-8 byte offsets', () => {
  it('is exact for every index boundary of arbitrary unicode text, with and without a BOM', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), fc.boolean(), (s, bom) => {
        const bytes = Buffer.concat([Buffer.from(bom ? [0xef, 0xbb, 0xbf] : []), Buffer.from(s, 'utf8')])
        const d = decodeForParse(bytes)
        expect(d.text).toBe(s)
        for (let i = 0; i <= s.length; i++) {
          const code = s.charCodeAt(i - 1)
          if (code >= 0xd800 && code <= 0xdbff) continue // inside a surrogate pair: never a node edge
          expect(d.toByte(i)).toBe((bom ? 3 : 0) + Buffer.byteLength(s.slice(0, i), 'utf8'))
        }
      }),
      { numRuns: 300 },
    )
  })

  it('handles café, CJK and emoji explicitly', () => {
    const s = "x = 'café 中文 😀'\ny"
    const d = decodeForParse(Buffer.from(s))
    expect(d.toByte(s.indexOf('中'))).toBe(Buffer.byteLength("x = 'café "))
    expect(d.toByte(s.indexOf("'\n"))).toBe(Buffer.byteLength("x = 'café 中文 😀"))
    expect(d.toByte(s.length)).toBe(Buffer.byteLength(s))
  })
})

describe('byte helpers', () => {
  it('detects BOM, binary (NUL or invalid UTF-8) and newline style', () => {
    expect(bomLength(Buffer.from([0xef, 0xbb, 0xbf, 0x61]))).toBe(3)
    expect(bomLength(Buffer.from('a'))).toBe(0)
    expect(isBinary(Buffer.from([0x61, 0x00, 0x62]))).toBe(true)
    expect(isBinary(Buffer.from([0x61, 0xff, 0x62]))).toBe(true)
    expect(isBinary(Buffer.from('café 😀'))).toBe(false)
    expect(detectNewline(Buffer.from('a\r\nb\n'))).toBe('\r\n')
    expect(detectNewline(Buffer.from('a\nb\r\n'))).toBe('\n')
    expect(detectNewline(Buffer.from('a'))).toBe('\n')
  })

  it('finds lines and indentation by byte offset', () => {
    const b = Buffer.from('a\n\tb\n  c')
    const starts = lineStarts(b)
    expect(starts).toEqual([0, 2, 5])
    expect(lineAt(starts, 0)).toBe(1)
    expect(lineAt(starts, 1)).toBe(1)
    expect(lineAt(starts, 2)).toBe(2)
    expect(lineAt(starts, 7)).toBe(3)
    expect(indentOfLine(b, 3)).toBe('\t')
    expect(indentOfLine(b, 7)).toBe('  ')
  })
})
