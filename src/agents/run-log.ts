import type { AstAgent, RunRecord } from './schema.js'
import type { AgentState, RunEvent } from './types.js'

/** Persists one serialised record; resolves once it is durable. */
export type RecordWriter = (record: RunRecord) => Promise<void>

/**
 * The in-memory run record plus its single writer. Every state change goes through here, so the
 * event stream and the saved record never disagree. Saves are serialised and coalesced: at most
 * one write is in flight, and changes made during it are saved by exactly one follow-up write.
 */
export class RunLog {
  private readonly byId = new Map<string, AstAgent>()
  private writing: Promise<void> | null = null
  private dirty = false
  private failure: unknown = null
  /** Flushes waiting now; while any does, saves skip the coalescing wait. */
  private flushing = 0
  /** Ends the coalescing wait in progress, if any. */
  private wake: (() => void) | null = null

  /**
   * Wraps `record`; `write` saves it and `emit` forwards events to the caller. A save waits
   * `coalesceMs` first, so a burst of transitions (siblings finishing together) costs one write.
   */
  constructor(
    readonly record: RunRecord,
    private readonly write: RecordWriter,
    private readonly emit: (e: RunEvent) => void = () => {},
    private readonly coalesceMs = 0,
  ) {
    for (const a of record.agents) this.byId.set(a.id, a)
  }

  /** The agent with this id (throws on an unknown id: that is a bug, not user input). */
  agent(id: string): AstAgent {
    const a = this.byId.get(id)
    if (!a) throw new Error(`run log: no agent ${id}`)
    return a
  }

  /** Every agent, in tree order. */
  get agents(): AstAgent[] {
    return this.record.agents
  }

  /** Adds an agent created during the run (generation spawns children). */
  add(agent: AstAgent): void {
    this.record.agents.push(agent)
    this.byId.set(agent.id, agent)
    const parent = agent.parentId ? this.byId.get(agent.parentId) : undefined
    if (parent && !parent.children.includes(agent.id)) parent.children.push(agent.id)
  }

  /** Moves an agent to a new state, emits the event and, when `save`, schedules a record write. */
  set(id: string, state: AgentState, opts: { detail?: string; attempt?: number; save?: boolean } = {}): void {
    const a = this.agent(id)
    a.status = state
    const now = new Date().toISOString()
    if (!a.timings.startedAt && state !== 'pending' && state !== 'voting') a.timings.startedAt = now
    if (state === 'merged' || state === 'failed' || state === 'passed' || state === 'reused') {
      a.timings.finishedAt = now
      if (a.timings.startedAt) a.timings.durationMs = Date.parse(now) - Date.parse(a.timings.startedAt)
    }
    this.emit({
      type: 'agent',
      agentId: a.id,
      parentId: a.parentId,
      kind: a.node.kind,
      name: a.node.name,
      state,
      ...(a.votes ? { score: a.votes.score } : {}),
      ...(opts.attempt !== undefined ? { attempt: opts.attempt } : {}),
      ...(opts.detail !== undefined ? { detail: opts.detail } : {}),
    })
    if (opts.save) this.save()
  }

  /** Forwards a warning to the caller. */
  warn(message: string): void {
    this.emit({ type: 'warning', message })
  }

  /** Schedules a write of the current record (coalesced with any write in flight). */
  save(): void {
    this.dirty = true
    if (!this.writing) this.writing = this.drain()
  }

  /** Waits until every scheduled write has landed; rethrows the first write failure. */
  async flush(): Promise<void> {
    // A flush is someone waiting on the disk: nothing is gained by holding the write back.
    this.flushing++
    try {
      this.save()
      this.wake?.()
      while (this.writing) await this.writing
    } finally {
      this.flushing--
    }
    if (this.failure) throw this.failure
  }

  private async drain(): Promise<void> {
    try {
      while (this.dirty) {
        if (this.coalesceMs > 0 && this.flushing === 0) await this.pause()
        this.dirty = false
        // Snapshot by value: agents keep mutating while the write is in flight.
        const snapshot = structuredClone(this.record)
        try {
          await this.write(snapshot)
        } catch (err) {
          this.failure ??= err
        }
      }
    } finally {
      this.writing = null
    }
  }

  private pause(): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        this.wake = null
        resolve()
      }
      const timer = setTimeout(done, this.coalesceMs)
      this.wake = done
    })
  }
}
