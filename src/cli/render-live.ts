import type { AgentState, RunEvent } from '../agents/types.js'
import type { StyleName, Styler } from './ansi.js'
import { formatDuration, formatScore, shortHash } from './format.js'
import { countStates, type LiveAgent, type LiveState } from './live-state.js'
import { drawTree } from './tree.js'

/** Colour and glyph per state, shared by the live tree and `log`. */
export const STATE_STYLE: Record<AgentState, { glyph: string; style: StyleName }> = {
  pending: { glyph: '·', style: 'gray' },
  voting: { glyph: '?', style: 'cyan' },
  passed: { glyph: '-', style: 'gray' },
  generating: { glyph: '*', style: 'yellow' },
  validating: { glyph: '~', style: 'blue' },
  healing: { glyph: '!', style: 'magenta' },
  merging: { glyph: '+', style: 'blue' },
  merged: { glyph: '✓', style: 'green' },
  failed: { glyph: '✗', style: 'red' },
  reused: { glyph: '=', style: 'green' },
}

/** `✓ merged` in the state's colour. */
export function stateTag(state: AgentState, s: Styler): string {
  const { glyph, style } = STATE_STYLE[state]
  return s(style, `${glyph} ${state}`)
}

function agentLabel(a: LiveAgent, s: Styler): string {
  const parts = [s('bold', a.name || a.id), s('gray', a.kind), stateTag(a.state, s)]
  if (a.score !== undefined) parts.push(s('gray', `score ${formatScore(a.score)}`))
  if (a.attempt !== undefined && a.attempt > 1) parts.push(s('magenta', `attempt ${a.attempt}`))
  if (a.detail && !/^score [\d.]+$/.test(a.detail)) parts.push(s('gray', clip(a.detail, 80)))
  return parts.join('  ')
}

/** The counts line: `3 working · 2 merged · 5 passed · 0 failed`. */
export function countsLine(state: LiveState): string {
  const c = countStates(state)
  const order = ['voting', 'working', 'passed', 'merged', 'reused', 'failed']
  return order
    .filter((k) => (c[k] ?? 0) > 0 || k === 'failed' || k === 'merged')
    .map((k) => `${c[k] ?? 0} ${k}`)
    .join(' · ')
}

function settled(a: LiveAgent): boolean {
  return a.state === 'passed' || a.state === 'pending'
}

/**
 * One frame of the live tree: a header with run id, elapsed time and counts, then the agent tree.
 * When the tree is taller than `maxRows`, agents that passed (whole subtrees) are folded into a count.
 */
export function renderFrame(state: LiveState, elapsedMs: number, s: Styler, maxRows = 40): string[] {
  const header = `${s('bold', 'run')} ${state.runId ?? '…'}  ${s('gray', formatDuration(elapsedMs))}  ${countsLine(state)}`
  const agents = state.order.map((id) => state.agents.get(id)).filter((a): a is LiveAgent => a !== undefined)
  const kids = new Map<string, LiveAgent[]>()
  const roots: LiveAgent[] = []
  for (const a of agents) {
    if (a.parentId !== null && state.agents.has(a.parentId)) {
      kids.set(a.parentId, [...(kids.get(a.parentId) ?? []), a])
    } else roots.push(a)
  }
  const quiet = (a: LiveAgent): boolean => settled(a) && (kids.get(a.id) ?? []).every(quiet)
  let fold = false
  const draw = (): string[] => {
    const lines: string[] = []
    for (const root of roots) {
      lines.push(
        ...drawTree(root, {
          children: (a) => (kids.get(a.id) ?? []).filter((k) => !fold || !quiet(k)),
          label: (a) => agentLabel(a, s),
        }),
      )
    }
    return lines
  }
  let body = draw()
  if (body.length + 1 > maxRows) {
    fold = true
    body = draw()
    const hidden = agents.filter((a) => a.parentId !== null && quiet(a)).length
    if (hidden > 0) body.push(s('gray', `(${hidden} quiet agents folded)`))
  }
  if (body.length + 1 > maxRows) {
    const more = body.length - (maxRows - 2)
    body = [...body.slice(0, maxRows - 2), s('gray', `… ${more} more lines`)]
  }
  return [header, ...body]
}

/** The one plain line printed per event when stdout is not a terminal (null: print nothing). */
export function plainEventLine(e: RunEvent): string | null {
  switch (e.type) {
    case 'run-started':
      return `run ${e.runId} started at ${shortHash(e.base)}${e.dirty ? ' (uncommitted changes are not included)' : ''}`
    case 'agent': {
      const extra = [
        e.score !== undefined ? `score=${formatScore(e.score)}` : null,
        e.attempt !== undefined && e.attempt > 1 ? `attempt=${e.attempt}` : null,
        e.detail && !/^score [\d.]+$/.test(e.detail) ? clip(e.detail, 120) : null,
      ].filter((x) => x !== null)
      return `${e.state.padEnd(10)} ${e.agentId}${extra.length > 0 ? `  ${extra.join('  ')}` : ''}`
    }
    case 'warning':
      return `warning: ${e.message}`
    case 'run-finished':
      return null
  }
}

/** Shortens one-line details (model summaries can be long) to `max` characters. */
export function clip(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > max ? `${line.slice(0, max - 1)}…` : line
}
