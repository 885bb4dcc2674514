import type { Agent } from './agent-tree.js'

/** Siblings shown on each side of the agent; the rest are counted, so a prompt never grows with the file. */
export const OUTLINE_NEIGHBOURS = 8
/** Most sibling names `sibling_names()` returns (the nearest ones first). */
export const MAX_SIBLING_NAMES = 24

/**
 * The parent's outline: its header line and the first line of each child (a signature or a table
 * header), never the bodies. This is what keeps an agent's prompt independent of the file's size.
 */
export function parentOutline(agent: Agent, fileBytes: Buffer | null): string {
  const parent = agent.parent
  if (!parent) return ''
  const lines: string[] = []
  const p = parent.node
  if (
    p &&
    fileBytes &&
    (p.kind === 'class' || p.kind === 'function' || p.kind === 'method' || p.kind === 'toml_table')
  ) {
    lines.push(firstLine(fileBytes, p.startByte))
  } else {
    lines.push(`# ${parent.rec.node.kind} ${parent.rec.node.path || '.'}`)
  }
  const all = parent.children
  const at = Math.max(0, all.indexOf(agent))
  const from = Math.max(0, at - OUTLINE_NEIGHBOURS)
  const to = Math.min(all.length, at + OUTLINE_NEIGHBOURS + 1)
  if (from > 0) lines.push(`  ... ${from} earlier sibling${from === 1 ? '' : 's'}`)
  for (const sib of all.slice(from, to)) {
    const mark = sib === agent ? '  <- you' : ''
    if (sib.node && fileBytes && sib.node.lang !== null) {
      lines.push(
        `${indentOf(fileBytes, sib.node.startByte)}${firstLine(fileBytes, sib.node.startByte)}${mark}`,
      )
    } else {
      lines.push(`  (${sib.rec.insertion ? 'to be created' : sib.rec.node.kind}) ${sib.rec.node.name}${mark}`)
    }
  }
  if (to < all.length) lines.push(`  ... ${all.length - to} later sibling${all.length - to === 1 ? '' : 's'}`)
  return lines.join('\n')
}

/** The names of the other children of this agent's parent, nearest first, at most MAX_SIBLING_NAMES. */
export function siblingNames(agent: Agent): string[] {
  const all = agent.parent?.children ?? []
  const at = all.indexOf(agent)
  const others = all
    .map((s, i) => ({ s, d: Math.abs(i - at) }))
    .filter(({ s }) => s !== agent)
    .sort((a, b) => a.d - b.d)
    .slice(0, MAX_SIBLING_NAMES)
  // Keep document order in what the script sees.
  return others.sort((a, b) => all.indexOf(a.s) - all.indexOf(b.s)).map(({ s }) => s.rec.node.name)
}

function firstLine(bytes: Buffer, start: number): string {
  let end = bytes.indexOf(0x0a, start)
  if (end < 0) end = bytes.length
  return bytes.toString('utf8', start, end).replace(/\r$/, '').trimEnd()
}

function indentOf(bytes: Buffer, start: number): string {
  const lineStart = bytes.lastIndexOf(0x0a, start - 1) + 1
  const prefix = bytes.toString('utf8', lineStart, start)
  return /^[ \t]*$/.test(prefix) ? prefix : ''
}
