import { relative } from 'node:path'
import { fail } from '../errors/index.js'
import { type Cassette, type CassetteEntry, cassetteKey, indexCassette } from './cassette.js'
import type { ChatReply, ChatRequest, ModelProvider } from './types.js'

/** Offline provider: answers from a cassette, never touches the network. */
export class ReplayProvider implements ModelProvider {
  /** The model the cassette was recorded with. */
  readonly model: string
  private readonly index: Map<string, CassetteEntry[]>
  private readonly served = new Map<string, number>()

  /** `label` names the cassette in errors (usually its repo-relative path). */
  constructor(
    private readonly cassette: Cassette,
    private readonly label: string,
    fallbackModel: string,
  ) {
    this.index = indexCassette(cassette)
    this.model = cassette.model ?? cassette.entries[0]?.model ?? fallbackModel
  }

  /** Returns the recorded reply for this request; the nth identical request gets the nth recording. */
  async chat(req: ChatRequest): Promise<ChatReply> {
    if (req.signal?.aborted) {
      throw fail('INTERRUPTED', `model request for ${req.agentId} cancelled`, 'The run was cancelled.', {
        agentId: req.agentId,
      })
    }
    const key = cassetteKey(req.purpose, req.messages)
    const list = this.index.get(key)
    if (!list || list.length === 0) throw this.miss(req, key)
    const n = this.served.get(key) ?? 0
    this.served.set(key, n + 1)
    const entry = list[Math.min(n, list.length - 1)]!
    return { text: entry.reply, model: entry.model, usage: { ...entry.usage } }
  }

  private miss(req: ChatRequest, key: string): Error {
    // Point at the first message that differs from this agent's recording: usually a changed prompt or file.
    const same = this.cassette.entries.find((e) => e.agentId === req.agentId && e.purpose === req.purpose)
    let near = ''
    let differsAt: number | null = null
    if (same) {
      differsAt = req.messages.findIndex(
        (m, i) => same.messages[i]?.role !== m.role || same.messages[i]?.content !== m.content,
      )
      if (differsAt < 0) differsAt = req.messages.length
      near = ` (a ${req.purpose} recording for this agent exists; its prompt differs from message ${differsAt})`
    }
    return fail(
      'CASSETTE_MISS',
      `no recorded ${req.purpose} reply for ${req.agentId} in ${this.label}${near}`,
      'The prompt changed since recording: re-record with [model] provider = "record" and a live model.',
      { agentId: req.agentId, purpose: req.purpose, key, cassette: this.label, differsAt },
    )
  }
}

/** A readable name for a cassette path in messages: repo-relative when inside the repo. */
export function cassetteLabel(path: string, repoRoot: string): string {
  const rel = relative(repoRoot, path)
  return rel.startsWith('..') || rel === '' ? path : rel.split('\\').join('/')
}
