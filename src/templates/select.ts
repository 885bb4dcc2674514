import type { InsertRule, NodeKind } from '../syntax/types.js'
import type { LoadedTemplate } from './load.js'
import type { ResolvedBlock } from './render.js'
import type { BlockSpec, Template } from './schema.js'

/** The little a selector needs from a node: its kind and name (an MNode fits). */
export interface NodeRef {
  kind: NodeKind
  name: string
}

const globCache = new Map<string, RegExp>()

/** Name glob -> RegExp: `*` any run (dots included), `?` one char, case-insensitive. */
export function nameGlob(pattern: string): RegExp {
  const key = `n\0${pattern}`
  let re = globCache.get(key)
  if (!re) {
    const body = [...pattern].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : escapeRe(c))).join('')
    re = new RegExp(`^${body}$`, 'i')
    globCache.set(key, re)
  }
  return re
}

/** Path glob -> RegExp: `**` any directories, `*` within one segment, `?` one char. */
export function pathGlob(pattern: string): RegExp {
  const key = `p\0${pattern}`
  let re = globCache.get(key)
  if (!re) {
    let body = ''
    for (let i = 0; i < pattern.length; i++) {
      const c = pattern[i]!
      if (c === '*' && pattern[i + 1] === '*') {
        const slash = pattern[i + 2] === '/'
        body += slash ? '(?:.*/)?' : '.*'
        i += slash ? 2 : 1
      } else if (c === '*') body += '[^/]*'
      else if (c === '?') body += '[^/]'
      else body += escapeRe(c)
    }
    re = new RegExp(`^${body}$`)
    globCache.set(key, re)
  }
  return re
}

function escapeRe(c: string): string {
  return /[\\^$.|+()[\]{}]/.test(c) ? `\\${c}` : c
}

/** A node name as selectors see it: TOML quotes and spaces around dots removed ('tool."ruff"' -> 'tool.ruff'). */
export function normalizeName(name: string): string {
  return name
    .split('.')
    .map((s) =>
      s
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .replace(/^'(.*)'$/, '$1'),
    )
    .join('.')
}

/** Whether a template applies to a node of this kind at this repo-relative path. */
export function appliesTo(template: Template, node: { kind: NodeKind; path: string }): boolean {
  const { kind, path } = template.applies_to
  if (kind && !kind.includes(node.kind)) return false
  if (path && !path.some((p) => pathGlob(p).test(node.path))) return false
  return true
}

/** The first template (overrides come first in the list) that applies to the node, or null. */
export function templateForNode(
  templates: readonly LoadedTemplate[],
  node: { kind: NodeKind; path: string },
): LoadedTemplate | null {
  // A template that names both kind and path is more specific than one naming only a kind.
  const ranked = [...templates].sort((a, b) => specificity(b) - specificity(a))
  return ranked.find((t) => appliesTo(t, node)) ?? null
}

function specificity(t: LoadedTemplate): number {
  return (t.applies_to.path ? 2 : 0) + (t.applies_to.kind ? 1 : 0) + (t.origin === 'repo' ? 4 : 0)
}

/** Whether a resolved block's selector accepts a child node (position is checked by matchBlocks). */
export function selects(block: ResolvedBlock, node: NodeRef): boolean {
  if (!block.block.select.kind.includes(node.kind)) return false
  const name = normalizeName(node.name)
  if (block.names.length > 0 && !block.names.some((p) => nameGlob(normalizeName(p)).test(name))) return false
  return !block.excludes.some((p) => nameGlob(normalizeName(p)).test(name))
}

/** Children assigned to blocks, required blocks that are missing, and parent-handled regions. */
export interface BlockMatch<N extends NodeRef> {
  /** Each child with the block it belongs to (null: no block claims it). */
  assigned: { node: N; block: ResolvedBlock | null }[]
  /** Required blocks with no child: each becomes a zero-width agent. */
  missing: ResolvedBlock[]
  /** Blocks of kind 'region': parts of the parent its own script handles. */
  regions: ResolvedBlock[]
}

/** Assigns each child to the first block (in `order`, as resolveBlocks sorts them) whose selector accepts it. */
export function matchBlocks<N extends NodeRef>(
  blocks: readonly ResolvedBlock[],
  children: readonly N[],
): BlockMatch<N> {
  const claimed = new Set<ResolvedBlock>()
  const assigned = children.map((node) => {
    const block =
      blocks.find((b) => {
        if (!selects(b, node)) return false
        if (b.block.select.position === 'first') return children.find((c) => c.kind === node.kind) === node
        return true
      }) ?? null
    if (block) claimed.add(block)
    return { node, block }
  })
  const regions = blocks.filter((b) => b.block.select.kind.includes('region'))
  const missing = blocks.filter((b) => b.block.required && !claimed.has(b) && !regions.includes(b))
  return { assigned, missing, regions }
}

/** The block's insert rule as the syntax layer's InsertRule (the schema mirrors it exactly). */
export function insertRule(block: BlockSpec): InsertRule {
  return block.insert
}
