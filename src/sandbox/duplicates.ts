import { discoverFileNodes } from '../syntax/discover.js'
import type { LanguageId, MNode, NodeKind } from '../syntax/types.js'
import type { Span } from './splice.js'

const GROUP: Partial<Record<NodeKind, string>> = {
  class: 'def',
  function: 'def',
  method: 'def',
  toml_table: 'table',
  toml_pair: 'key',
}

interface Def {
  node: MNode
  key: string
}

function definitions(root: MNode): Def[] {
  const out: Def[] = []
  const visit = (node: MNode, scope: string): void => {
    for (const child of node.children) {
      const group = GROUP[child.kind]
      if (group) out.push({ node: child, key: `${scope}\0${group}\0${child.name}` })
      visit(child, `${scope}/${child.name}`)
    }
  }
  visit(root, '')
  return out
}

function discover(path: string, bytes: Buffer, lang: LanguageId): Def[] | null {
  try {
    return definitions(discoverFileNodes(path, bytes, lang))
  } catch {
    return null
  }
}

/** A name defined more often in one scope after the merge than before, and who added it. */
export interface Duplicate {
  name: string
  agents: string[]
  lines: number[]
}

/**
 * Finds definitions (Python class/def, TOML table or key) whose name now appears more often in
 * the same scope than in the base; blames the agents whose new text overlaps those definitions.
 */
export function findDuplicate(
  path: string,
  lang: LanguageId,
  before: Buffer,
  after: Buffer,
  spans: readonly Span[],
): Duplicate | null {
  if (lang === 'markdown') return null
  const merged = discover(path, after, lang)
  if (!merged) return null
  const touches = (n: MNode): boolean => spans.some((s) => s.start < n.endByte && n.startByte < s.end)
  const groups = new Map<string, MNode[]>()
  for (const d of merged) groups.set(d.key, [...(groups.get(d.key) ?? []), d.node])
  // A repeated name whose definitions no child touched was already repeated in the base, so the
  // base is parsed only when a child's text takes part in a repeat.
  const candidates = [...groups].filter(([, nodes]) => nodes.length >= 2 && nodes.some(touches))
  if (candidates.length === 0) return null
  const baseCounts = new Map<string, number>()
  for (const d of discover(path, before, lang) ?? []) baseCounts.set(d.key, (baseCounts.get(d.key) ?? 0) + 1)
  for (const [key, nodes] of candidates) {
    if (nodes.length <= (baseCounts.get(key) ?? 0)) continue
    const agents = new Set<string>()
    for (const n of nodes) {
      for (const s of spans) if (s.start < n.endByte && n.startByte < s.end) agents.add(s.agentId)
    }
    return { name: nodes[0]?.name ?? '', agents: [...agents], lines: nodes.map((n) => n.startLine) }
  }
  return null
}
