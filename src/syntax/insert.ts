import { bomLength, detectNewline, indentOfLine, lineEndOf, lineStartOf } from './bytes.js'
import { parseBytes } from './parse.js'
import type { TSNode } from './ts.js'
import type { Insertion, InsertRule, LanguageId, MNode } from './types.js'

/** An insertion point before blank-line adjustment: the lines wanted on each side by convention. */
interface Point {
  offset: number
  indent: string
  before: number
  after: number
}

const PY_DEF = new Set(['class_definition', 'function_definition', 'decorated_definition'])

/**
 * Where to insert a new child of `parent` by rule, with the indentation, newline style and blank
 * lines the file's conventions ask for (PEP 8: 2 around top-level defs, 1 between methods; TOML and
 * Markdown: 1 between tables/sections). Blank lines already present count towards the convention.
 */
export function findInsertion(lang: LanguageId, bytes: Buffer, parent: MNode, rule: InsertRule): Insertion {
  const pt = point(lang, bytes, parent, rule)
  const newline = detectNewline(bytes)
  const atLineStart = isLineStart(bytes, pt.offset)
  const restBlank = isBlank(bytes, pt.offset, bytes.length)
  const headBlank = isBlank(bytes, bomLength(bytes), pt.offset)
  let before = headBlank ? 0 : pt.before
  let after = restBlank ? 0 : pt.after
  if (atLineStart) {
    before = Math.max(0, before - blankLinesBefore(bytes, pt.offset))
    after = Math.max(0, after - blankLinesFrom(bytes, pt.offset))
  } else {
    after = Math.max(
      0,
      after -
        blankLinesFrom(
          bytes,
          Math.min(bytes.length, lineEndOf(bytes, pt.offset) + newlineLen(bytes, pt.offset)),
        ),
    )
  }
  return { offset: pt.offset, indent: pt.indent, newline, blankLinesBefore: before, blankLinesAfter: after }
}

/**
 * The bytes to insert at `ins.offset`: `text` (written without indentation) indented, in the file's
 * newline style, with the blank lines around it. At a line start the text ends with a newline; at a
 * line end (or end of file without a final newline) it starts with one.
 */
export function renderInsertion(bytes: Buffer, ins: Insertion, text: string): Buffer {
  const nl = ins.newline
  const body = text
    .replace(/\r\n/g, '\n')
    .replace(/\n+$/, '')
    .split('\n')
    .map((l) => (l.trim() === '' ? '' : ins.indent + l))
    .join(nl)
  const lineStart = isLineStart(bytes, ins.offset)
  const pre = nl.repeat(ins.blankLinesBefore + (lineStart ? 0 : 1))
  const post = nl.repeat(ins.blankLinesAfter + (lineStart ? 1 : 0))
  return Buffer.from(pre + body + post, 'utf8')
}

function point(lang: LanguageId, bytes: Buffer, parent: MNode, rule: InsertRule): Point {
  if (rule.at === 'after-last') {
    const re = rule.namePattern === undefined ? null : globToRegExp(rule.namePattern)
    const hits = parent.children.filter(
      (c) => (!rule.kind || c.kind === rule.kind) && (!re || re.test(c.name)),
    )
    const last = hits.sort((a, b) => b.endByte - a.endByte)[0]
    if (!last) return point(lang, bytes, parent, { at: 'end-of-body' })
    return { offset: last.endByte, indent: indentOfLine(bytes, last.startByte), ...gap(lang, last) }
  }
  if (parent.kind === 'file')
    return rule.at === 'start-of-body' ? fileStart(lang, bytes, parent) : fileEnd(lang, bytes)
  if (rule.at === 'end-of-file') return fileEnd(lang, bytes)
  if (lang === 'python') return pythonBody(bytes, parent, rule.at === 'start-of-body')
  if (rule.at === 'start-of-body') {
    // TOML table / Markdown section: right after the header line.
    const offset = lineEndOf(bytes, parent.startByte)
    return { offset, indent: '', before: lang === 'markdown' ? 1 : 0, after: lang === 'markdown' ? 1 : 0 }
  }
  const lastChild = parent.children[parent.children.length - 1]
  const indent = lastChild ? indentOfLine(bytes, lastChild.startByte) : ''
  return { offset: parent.endByte, indent, before: lang === 'markdown' ? 1 : 0, after: 0 }
}

/** Blank lines wanted before and after a sibling inserted next to `node`. */
function gap(lang: LanguageId, node: MNode): { before: number; after: number } {
  if (lang === 'python') {
    const n = node.kind === 'method' ? 1 : node.parentId !== null && !node.parentId.includes('::') ? 2 : 1
    return { before: n, after: 0 }
  }
  return node.kind === 'toml_pair' ? { before: 0, after: 0 } : { before: 1, after: 0 }
}

function fileEnd(lang: LanguageId, bytes: Buffer): Point {
  return { offset: bytes.length, indent: '', before: lang === 'python' ? 2 : 1, after: 0 }
}

function fileStart(lang: LanguageId, bytes: Buffer, file: MNode): Point {
  const blanks = lang === 'python' ? 2 : 1
  if (lang === 'python') {
    const root = parseBytes(lang, bytes, file.path)
    const first = firstBodyStatement(root.tree.rootNode)
    if (!first) return fileEnd(lang, bytes)
    const offset = attachComments(bytes, root.decoded.toByte(first.startIndex))
    return { offset, indent: '', before: 0, after: blanks }
  }
  const first = file.children[0]
  if (!first) return fileEnd(lang, bytes)
  return {
    offset: attachComments(bytes, lineStartOf(bytes, first.startByte)),
    indent: '',
    before: 0,
    after: first.kind === 'toml_pair' ? 0 : blanks,
  }
}

/** First statement of a module or block that is not its docstring nor a `from __future__` import. */
function firstBodyStatement(block: TSNode): TSNode | null {
  let c = block.firstNamedChild
  while (c && c.type === 'comment') c = c.nextNamedSibling
  if (c && c.type === 'expression_statement' && c.firstNamedChild?.type === 'string') c = c.nextNamedSibling
  while (c && (c.type === 'comment' || c.type === 'future_import_statement')) c = c.nextNamedSibling
  return c
}

function pythonBody(bytes: Buffer, parent: MNode, start: boolean): Point {
  const parsed = parseBytes('python', bytes, parent.path)
  const { toByte } = parsed.decoded
  const def = findDefinition(parsed.tree.rootNode, parent.startByte, toByte)
  const block = def?.childForFieldName('body') ?? null
  const firstStmt = block?.firstNamedChild ?? null
  const isClass = def?.type === 'class_definition'
  const headerIndent = indentOfLine(bytes, parent.startByte)
  let indent = `${headerIndent}    `
  if (firstStmt) {
    const s = toByte(firstStmt.startIndex)
    if (lineStartOf(bytes, s) + indentOfLine(bytes, s).length === s) indent = indentOfLine(bytes, s)
  }
  const between = isClass ? 1 : 0
  if (start && block) {
    const first = firstBodyStatement(block)
    if (first) {
      const s = toByte(first.startIndex)
      if (lineStartOf(bytes, s) + indent.length === s)
        return { offset: attachComments(bytes, lineStartOf(bytes, s)), indent, before: 0, after: between }
    }
  }
  return { offset: parent.endByte, indent, before: between, after: 0 }
}

/** The class/function node whose range (decorators included) starts at byte `start`. */
function findDefinition(root: TSNode, start: number, toByte: (i: number) => number): TSNode | null {
  let cur: TSNode | null = root
  while (cur) {
    let next: TSNode | null = null
    for (let c: TSNode | null = cur.firstNamedChild; c; c = c.nextNamedSibling) {
      const s = toByte(c.startIndex)
      if (s === start && PY_DEF.has(c.type)) {
        return c.type === 'decorated_definition' ? c.childForFieldName('definition') : c
      }
      if (s <= start && start < toByte(c.endIndex)) {
        next = c
        break
      }
    }
    cur = next
  }
  return null
}

/** Moves a line-start offset up over the comment lines directly above it, which belong with it. */
function attachComments(bytes: Buffer, lineStart: number): number {
  let at = lineStart
  while (at > 0) {
    const prev = lineStartOf(bytes, at - 1)
    const text = bytes.toString('utf8', prev, at).trim()
    if (!text.startsWith('#')) break
    at = prev
  }
  return at
}

function isLineStart(bytes: Buffer, offset: number): boolean {
  return offset <= bomLength(bytes) || bytes[offset - 1] === 10
}

function isBlank(bytes: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = bytes[i]
    if (b !== 32 && b !== 9 && b !== 10 && b !== 13) return false
  }
  return true
}

function newlineLen(bytes: Buffer, offset: number): number {
  const e = lineEndOf(bytes, offset)
  return bytes[e] === 13 ? 2 : e < bytes.length ? 1 : 0
}

/** Whitespace-only lines directly above the line starting at `lineStart`. */
function blankLinesBefore(bytes: Buffer, lineStart: number): number {
  let n = 0
  let at = lineStart
  while (at > 0) {
    const prev = lineStartOf(bytes, at - 1)
    if (!isBlank(bytes, prev, at)) break
    n++
    at = prev
  }
  return n
}

/** Whitespace-only lines starting at `lineStart` (a line start). */
function blankLinesFrom(bytes: Buffer, lineStart: number): number {
  let n = 0
  let at = lineStart
  while (at < bytes.length) {
    const nl = bytes.indexOf(10, at)
    if (nl === -1 || !isBlank(bytes, at, nl)) break
    n++
    at = nl + 1
  }
  return n
}

function globToRegExp(glob: string): RegExp {
  const src = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.')
  return new RegExp(`^${src}$`)
}
