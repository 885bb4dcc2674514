import { assertText, hashBytes, lineAt, lineStarts } from './bytes.js'
import { scanMarkdown } from './markdown.js'
import { agentQuery, parseBytes } from './parse.js'
import { CAPTURE_KINDS, profileFor, type TreeSitterProfile } from './profiles.js'
import type { TSNode } from './ts.js'
import type { DiscoverOptions, LanguageId, MNode, NodeKind } from './types.js'

/** An agent found in a file before nesting and naming: what a query or scanner reports. */
export interface RawAgent {
  kind: NodeKind
  name: string
  start: number
  end: number
  startLine: number
  endLine: number
  decorated: boolean
}

/**
 * The file node of `path` with its agent children, nested by byte range (a node's parent is the
 * nearest enclosing agent). Throws BINARY_FILE for binary bytes and QUERY_INVALID for a bad query.
 */
export function discoverFileNodes(
  path: string,
  bytes: Buffer,
  lang: LanguageId,
  opts: DiscoverOptions = {},
): MNode {
  const profile = profileFor(lang)
  const raw =
    profile.engine === 'tree-sitter' ? queryAgents(profile, path, bytes, opts) : scanText(path, bytes)
  const file: MNode = {
    id: path,
    kind: 'file',
    decorated: false,
    name: path.slice(path.lastIndexOf('/') + 1),
    path,
    lang,
    startByte: 0,
    endByte: bytes.length,
    startLine: 1,
    endLine: lastLine(bytes),
    hash: hashBytes(bytes),
    parentId: null,
    children: [],
  }
  nest(file, raw, bytes, profile.engine === 'tree-sitter' ? profile.alwaysDisambiguate : [])
  return file
}

function scanText(path: string, bytes: Buffer): RawAgent[] {
  // Scanned languages refuse binary input exactly like parsed ones.
  assertText(path, bytes)
  return scanMarkdown(bytes)
}

function queryAgents(
  profile: TreeSitterProfile,
  path: string,
  bytes: Buffer,
  opts: DiscoverOptions,
): RawAgent[] {
  const { query, plan } = agentQuery(profile.id, opts.query, opts.queryLabel)
  const parsed = parseBytes(profile.id, bytes, path)
  const { toByte, text } = parsed.decoded
  const out: RawAgent[] = []
  let starts: number[] | null = null
  const add = (target: TSNode, kind: NodeKind, nameNode: TSNode | null, wrapper: TSNode | null): void => {
    const start = toByte((wrapper ?? target).startIndex)
    const end = toByte(ownEnd(target, text))
    // Lines from a per-file table: cheaper than asking the binding for positions.
    starts ??= lineStarts(bytes)
    out.push({
      kind,
      name: nameNode ? nameText(nameNode) : target.type,
      start,
      end,
      startLine: lineAt(starts, start),
      endLine: lineAt(starts, end > start ? end - 1 : start),
      decorated: wrapper !== null,
    })
  }
  if (plan) {
    // Pre-order walk: a decorator wrapper comes right before the definition it wraps.
    const types = [...plan.keys()]
    if (profile.decoratorWrapper) types.push(profile.decoratorWrapper)
    let wrapper: TSNode | null = null
    let wrapped = -1
    for (const node of parsed.tree.rootNode.descendantsOfType(types)) {
      const entry = plan.get(node.type)
      if (!entry) {
        wrapper = node
        wrapped = node.lastChild?.startIndex ?? -1
        continue
      }
      const kind = CAPTURE_KINDS[entry[0]]
      const nameNode = node.childForFieldName('name')
      const decorator = wrapper !== null && wrapped === node.startIndex ? wrapper : null
      if (kind && nameNode && nameNode.type === entry[1]) add(node, kind, nameNode, decorator)
    }
    return out
  }
  for (const match of query.matches(parsed.tree.rootNode)) {
    let target: TSNode | null = null
    let kind: NodeKind | null = null
    let nameNode: TSNode | null = null
    for (const c of match.captures) {
      if (c.name === 'name') nameNode = c.node
      else {
        const k = CAPTURE_KINDS[c.name]
        if (k) {
          kind = k
          target = c.node
        }
      }
    }
    if (!target || !kind) continue
    const parent = profile.decoratorWrapper ? target.parent : null
    add(target, kind, nameNode, parent && parent.type === profile.decoratorWrapper ? parent : null)
  }
  return out
}

/**
 * Where a node's own bytes end: after its last token that is not a comment (trailing comments and
 * blank lines that tree-sitter keeps in a block belong to the enclosing node). Fast path: a node
 * whose last line holds no '#' cannot end in a comment, so no tree walk is needed.
 */
function ownEnd(node: TSNode, text: string): number {
  const start = node.startIndex
  let cur = node
  for (;;) {
    let j = cur.endIndex
    while (j > start && isSpace(text.charCodeAt(j - 1))) j--
    const lineStart = text.lastIndexOf('\n', j - 1) + 1
    const hash = text.indexOf('#', Math.max(lineStart, cur.startIndex))
    if (hash === -1 || hash >= j) return j
    // The last line holds a '#': step into the last child that is not a comment nor MISSING.
    let c = cur.lastChild
    while (c !== null && (c.type === 'comment' || c.startIndex === c.endIndex)) c = c.previousSibling
    if (c === null) return j
    cur = c
  }
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9 || c === 12
}

function nameText(node: TSNode): string {
  // TOML `[a . "b"]` is the key a."b": dotted keys are rebuilt without the spaces around dots.
  if (node.type === 'dotted_key') return node.namedChildren.map(nameText).join('.')
  return node.text
}

function nest(file: MNode, raw: RawAgent[], bytes: Buffer, always: NodeKind[]): void {
  raw.sort((a, b) => a.start - b.start || b.end - a.end)
  const seen = new Set<string>()
  const stack: MNode[] = []
  let prev: RawAgent | null = null
  for (const r of raw) {
    if (prev && prev.start === r.start && prev.end === r.end && prev.kind === r.kind) continue
    prev = r
    while (stack.length > 0 && stack[stack.length - 1]!.endByte < r.end) stack.pop()
    const parent = stack[stack.length - 1] ?? file
    const kind: NodeKind = r.kind === 'function' && parent.kind === 'class' ? 'method' : r.kind
    let id = parent === file ? `${file.path}::${r.name}` : `${parent.id}.${r.name}`
    if (always.includes(kind) || seen.has(id)) id = `${id}@${r.start}`
    seen.add(id)
    const node: MNode = {
      id,
      kind,
      decorated: r.decorated,
      name: r.name,
      path: file.path,
      lang: file.lang,
      startByte: r.start,
      endByte: r.end,
      startLine: r.startLine,
      endLine: r.endLine,
      hash: hashBytes(bytes, r.start, r.end),
      parentId: parent.id,
      children: [],
    }
    parent.children.push(node)
    stack.push(node)
  }
}

function lastLine(bytes: Buffer): number {
  let n = 1
  const stop = bytes.length - 1
  let i = bytes.indexOf(10)
  while (i !== -1 && i < stop) {
    n++
    i = bytes.indexOf(10, i + 1)
  }
  return n
}
