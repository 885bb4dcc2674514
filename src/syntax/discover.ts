import { containerTypes, nameText, ownEnd, walkPlan } from './agent-walk.js'
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
  // UTF-16 indices to bytes; lines from a per-file table: cheaper than asking the binding for positions.
  const agent = (kind: NodeKind, s: number, e: number, name: string, decorated: boolean): RawAgent => {
    const start = toByte(s)
    const end = toByte(e)
    starts ??= lineStarts(bytes)
    const endLine = lineAt(starts, end > start ? end - 1 : start)
    return { kind, name, start, end, startLine: lineAt(starts, start), endLine, decorated }
  }
  const add = (target: TSNode, kind: NodeKind, nameNode: TSNode | null, wrapper: TSNode | null): void => {
    const from = (wrapper ?? target).startIndex
    const name = nameNode ? nameText(nameNode) : target.type
    out.push(agent(kind, from, ownEnd(target, text), name, wrapper !== null))
  }
  if (plan) {
    const holders = parsed.tree.rootNode.hasError ? null : containerTypes(profile, plan)
    if (holders) {
      return walkPlan(parsed.tree, plan, profile.decoratorWrapper, holders, text, agent)
    }
    // Trees with ERROR nodes may hold a definition anywhere: every node is visited (in C).
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
