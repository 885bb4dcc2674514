import type { ChatReply, ChatRequest, ChatUsage, ModelProvider } from './types.js'

/** Accumulated tokens and requests for one agent or a whole run. */
export interface TokenTotals {
  promptTokens: number
  completionTokens: number
  totalTokens: number
  requests: number
  /** Requests whose usage the server did not report and we estimated. */
  estimatedRequests: number
}

function zero(): TokenTotals {
  return { promptTokens: 0, completionTokens: 0, totalTokens: 0, requests: 0, estimatedRequests: 0 }
}

/** Token accounting per agent and per run. Plain data in, plain data out, so it serialises into run records. */
export class TokenLedger {
  private readonly byAgent = new Map<string, TokenTotals>()
  private readonly sum = zero()

  /** Counts one reply's usage against an agent (and the run). */
  add(agentId: string, usage: ChatUsage): void {
    let row = this.byAgent.get(agentId)
    if (!row) {
      row = zero()
      this.byAgent.set(agentId, row)
    }
    for (const t of [row, this.sum]) {
      t.promptTokens += usage.promptTokens
      t.completionTokens += usage.completionTokens
      t.totalTokens += usage.promptTokens + usage.completionTokens
      t.requests += 1
      if (usage.estimated) t.estimatedRequests += 1
    }
  }

  /** One agent's totals (zeros for an agent that never asked). */
  forAgent(agentId: string): TokenTotals {
    return { ...(this.byAgent.get(agentId) ?? zero()) }
  }

  /** The whole run's totals. */
  total(): TokenTotals {
    return { ...this.sum }
  }

  /** Agents that made at least one request, in first-request order. */
  agents(): string[] {
    return [...this.byAgent.keys()]
  }

  /** Per-agent totals as a plain object, for run records and `--json`. */
  toJSON(): { total: TokenTotals; agents: Record<string, TokenTotals> } {
    return {
      total: this.total(),
      agents: Object.fromEntries([...this.byAgent].map(([k, v]) => [k, { ...v }])),
    }
  }
}

/** Wraps a provider so every reply (including ones later rejected by a schema) is counted in `ledger`. */
export function withLedger(provider: ModelProvider, ledger: TokenLedger): ModelProvider {
  return {
    get model(): string {
      return provider.model
    },
    async chat(req: ChatRequest): Promise<ChatReply> {
      const reply = await provider.chat(req)
      ledger.add(req.agentId, reply.usage)
      return reply
    },
  }
}
