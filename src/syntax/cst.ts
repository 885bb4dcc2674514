import { fail } from '../errors/index.js'
import { decodeForParse, lineStarts } from './bytes.js'
import { parserFor } from './parse.js'
import { profileFor } from './profiles.js'
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

/** Parse bytes with tree-sitter and return the whole tree as plain CstNode objects (UTF-8 offsets). */
export function parseCst(lang: LanguageId, bytes: Buffer): CstNode {
  if (profileFor(lang).engine !== 'tree-sitter') {
    throw fail(
      'UNSUPPORTED_LANGUAGE',
      `no CST grammar is installed for ${lang}`,
      'hint: parseCst supports python and toml',
      { lang },
    )
  }
  const parser = parserFor(lang)
  const { text, toByte } = decodeForParse(bytes, true)
  // A buffer larger than the text avoids the binding's chunked-read path for big inputs.
  const tree = parser.parse(text, null, { bufferSize: Math.max(32 * 1024, text.length * 2 + 16) })
  const starts = lineStarts(bytes)
  const colOf = (row: number, byte: number): number => byte - (starts[row] ?? 0)
  const cursor = tree.walk()
  const build = (field: string | null): CstNode => {
    const startByte = toByte(cursor.startIndex)
    const endByte = toByte(cursor.endIndex)
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
