import type { AgentState, RunEvent, RunOutcome } from '../agents/types.js'

/** What the live view knows about one agent (folded from `agent` events). */
export interface LiveAgent {
  id: string
  parentId: string | null
  kind: string
  name: string
  state: AgentState
  score?: number
  attempt?: number
  detail?: string
}

/** Everything the live view draws; built only from run events, so it is replayable in tests. */
export interface LiveState {
  runId: string | null
  base: string | null
  dirty: boolean
  agents: Map<string, LiveAgent>
  /** Agent ids in first-seen order, which keeps sibling order stable between frames. */
  order: string[]
  warnings: string[]
  outcome: RunOutcome | null
}

/** A fresh state before the first event. */
export function emptyLiveState(): LiveState {
  return { runId: null, base: null, dirty: false, agents: new Map(), order: [], warnings: [], outcome: null }
}

/** Folds one event into the state (mutates and returns it; events arrive in order). */
export function applyEvent(state: LiveState, e: RunEvent): LiveState {
  switch (e.type) {
    case 'run-started':
      state.runId = e.runId
      state.base = e.base
      state.dirty = e.dirty
      break
    case 'agent': {
      const prev = state.agents.get(e.agentId)
      if (!prev) state.order.push(e.agentId)
      state.agents.set(e.agentId, {
        id: e.agentId,
        parentId: e.parentId,
        kind: e.kind,
        name: e.name,
        state: e.state,
        score: e.score ?? prev?.score,
        attempt: e.attempt ?? prev?.attempt,
        detail: e.detail,
      })
      break
    }
    case 'warning':
      state.warnings.push(e.message)
      break
    case 'run-finished':
      state.outcome = e.outcome
      break
  }
  return state
}

/** Groups of states shown in the counts line. */
export const WORKING_STATES: ReadonlySet<AgentState> = new Set([
  'generating',
  'validating',
  'healing',
  'merging',
])

/** Counts agents per display group: waiting, voting, working, passed, merged, reused, failed. */
export function countStates(state: LiveState): Record<string, number> {
  const counts: Record<string, number> = { voting: 0, working: 0, passed: 0, merged: 0, reused: 0, failed: 0 }
  for (const a of state.agents.values()) {
    const group = WORKING_STATES.has(a.state) ? 'working' : a.state === 'pending' ? 'voting' : a.state
    counts[group] = (counts[group] ?? 0) + 1
  }
  return counts
}
