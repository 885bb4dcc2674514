// The fast path of agent discovery for simple-plan queries (the built-in Python one): a pruned
// TreeCursor walk over error-free trees, and where a node's own bytes end (trailing comments excluded).
import { z } from 'zod'
import type { RawAgent } from './discover.js'
import { CAPTURE_KINDS, type TreeSitterProfile } from './profiles.js'
import type { TSNode, TSTree } from './ts.js'
import type { NodeKind } from './types.js'

/** Builds a RawAgent from UTF-16 indices (the caller maps them to bytes and lines). */
export type Push = (kind: NodeKind, start: number, end: number, name: string, decorated: boolean) => RawAgent

// What the cursor walk does with a node type.
const SKIP = 0
const DESCEND = 1
const TARGET = 2
const WRAPPER = 3
const COMMENT = 4

/**
 * Agents of an error-free tree by one cursor walk that enters only node types able to hold a target
 * (from the grammar's node-types): a fraction of the nodes, with no node objects made per visit.
 * Comments met on the way let ownEnd skip trailing comments without walking into the tree.
 */
export function walkPlan(
  tree: TSTree,
  plan: Map<string, [string, string]>,
  wrapperType: string | null,
  holders: ReadonlySet<string>,
  text: string,
  push: Push,
): RawAgent[] {
  const c = tree.walk()
  const classOf: number[] = []
  const commentStart: number[] = []
  const commentEnd: number[] = []
  const out: Array<RawAgent | null> = []
  const classify = (): number => {
    const id = c.nodeTypeId
    let k = classOf[id]
    if (k === undefined) {
      const t = c.nodeType
      k = plan.has(t)
        ? TARGET
        : t === wrapperType
          ? WRAPPER
          : holders.has(t)
            ? DESCEND
            : t === 'comment'
              ? COMMENT
              : SKIP
      classOf[id] = k
    }
    return k
  }
  // Own end from the text when trailing comments are ones the walk met; -1 when unsure.
  const endFromText = (start: number, end: number): number => {
    let j = trimEnd(text, start, end)
    for (;;) {
      if (!hashOnLastLine(text, start, j)) return j
      let lo = 0
      let hi = commentStart.length
      while (lo < hi) {
        const mid = (lo + hi) >> 1
        if (commentStart[mid]! < j) lo = mid + 1
        else hi = mid
      }
      const k = lo - 1
      if (k < 0 || commentEnd[k]! < j || commentStart[k]! < start) return -1
      j = trimEnd(text, start, commentStart[k]!)
    }
  }
  const visit = (decoratedFrom: number): void => {
    const k = classify()
    if (k === SKIP) return
    if (k === COMMENT) {
      commentStart.push(c.startIndex)
      commentEnd.push(c.endIndex)
      return
    }
    if (k === TARGET) {
      const entry = plan.get(c.nodeType)!
      const start = c.startIndex
      const end = c.endIndex
      const at = out.push(null) - 1
      let name: string | null | undefined
      if (c.gotoFirstChild()) {
        do {
          if (name === undefined && c.currentFieldName === 'name') {
            const type = c.nodeType
            name =
              type !== entry[1]
                ? null
                : type === 'dotted_key'
                  ? nameText(c.currentNode)
                  : text.slice(c.startIndex, c.endIndex)
          }
          visit(-1)
        } while (c.gotoNextSibling())
        c.gotoParent()
      }
      const kind = CAPTURE_KINDS[entry[0]]
      if (kind && typeof name === 'string') {
        let own = endFromText(start, end)
        if (own < 0) own = ownEnd(c.currentNode, text)
        const from = decoratedFrom >= 0 ? decoratedFrom : start
        out[at] = push(kind, from, own, name, decoratedFrom >= 0)
      }
      return
    }
    if (!c.gotoFirstChild()) return
    if (k === WRAPPER) {
      // Only the wrapper's last child is the decorated definition.
      const from = c.startIndex
      for (;;) {
        if (!c.gotoNextSibling()) {
          visit(from)
          break
        }
        c.gotoPreviousSibling()
        visit(-1)
        c.gotoNextSibling()
      }
    } else {
      do visit(-1)
      while (c.gotoNextSibling())
    }
    c.gotoParent()
  }
  visit(-1)
  return out.filter((r): r is RawAgent => r !== null)
}

const NodeTypeRef = z.object({ type: z.string() })
const NodeTypesSchema = z.array(
  z.object({
    type: z.string(),
    fields: z.record(z.string(), z.object({ types: z.array(NodeTypeRef) })).optional(),
    children: z.object({ types: z.array(NodeTypeRef) }).optional(),
    subtypes: z.array(NodeTypeRef).optional(),
  }),
)
const holderCache = new Map<string, ReadonlySet<string> | null>()

/**
 * Node types whose subtrees can contain a plan target or the decorator wrapper, from the grammar's
 * node-types.json (supertypes expanded); null when the grammar does not ship it.
 */
export function containerTypes(
  profile: TreeSitterProfile,
  plan: Map<string, [string, string]>,
): ReadonlySet<string> | null {
  const targets = new Set(plan.keys())
  if (profile.decoratorWrapper) targets.add(profile.decoratorWrapper)
  const key = `${profile.id}\0${[...targets].join('\0')}`
  const known = holderCache.get(key)
  if (known !== undefined) return known
  const info = NodeTypesSchema.safeParse(Reflect.get(profile.loadGrammar(), 'nodeTypeInfo'))
  let result: Set<string> | null = null
  if (info.success && info.data.length > 0) {
    const subtypes = new Map<string, string[]>()
    for (const t of info.data)
      if (t.subtypes)
        subtypes.set(
          t.type,
          t.subtypes.map((x) => x.type),
        )
    const expand = (name: string, seen: Set<string>): string[] => {
      const subs = subtypes.get(name)
      if (!subs || seen.has(name)) return [name]
      seen.add(name)
      return subs.flatMap((x) => expand(x, seen))
    }
    const kids = new Map<string, Set<string>>()
    for (const t of info.data) {
      const refs = [...Object.values(t.fields ?? {}).flatMap((f) => f.types), ...(t.children?.types ?? [])]
      const set = kids.get(t.type) ?? new Set<string>()
      for (const r of refs) for (const x of expand(r.type, new Set())) set.add(x)
      kids.set(t.type, set)
    }
    result = new Set<string>()
    for (let grew = true; grew; ) {
      grew = false
      for (const [type, set] of kids) {
        if (result.has(type)) continue
        for (const x of set) {
          if (targets.has(x) || result.has(x)) {
            result.add(type)
            grew = true
            break
          }
        }
      }
    }
  }
  holderCache.set(key, result)
  return result
}

function trimEnd(text: string, start: number, end: number): number {
  let j = end
  while (j > start && isSpace(text.charCodeAt(j - 1))) j--
  return j
}

// Whether the line ending at j holds a '#' in [max(line start, from), j): a bounded backward scan.
function hashOnLastLine(text: string, from: number, j: number): boolean {
  for (let i = j - 1; i >= from; i--) {
    const ch = text.charCodeAt(i)
    if (ch === 35) return true
    if (ch === 10) return false
  }
  return false
}

/**
 * Where a node's own bytes end: after its last token that is not a comment (trailing comments and
 * blank lines that tree-sitter keeps in a block belong to the enclosing node). Fast path: a node
 * whose last line holds no '#' cannot end in a comment, so no tree walk is needed.
 */
export function ownEnd(node: TSNode, text: string): number {
  const start = node.startIndex
  let cur = node
  for (;;) {
    const j = trimEnd(text, start, cur.endIndex)
    if (!hashOnLastLine(text, cur.startIndex, j)) return j
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

/** Text of a name node. */
export function nameText(node: TSNode): string {
  // TOML `[a . "b"]` is the key a."b": dotted keys are rebuilt without the spaces around dots.
  if (node.type === 'dotted_key') return node.namedChildren.map(nameText).join('.')
  return node.text
}
