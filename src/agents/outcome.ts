import { createHash } from 'node:crypto'
import type { Config } from '../config/schema.js'
import type { TokenLedger } from '../model/ledger.js'
import type { Agent } from './agent-tree.js'
import type { RunRecord } from './schema.js'
import type { RunStatus } from './types.js'

/** ok: everything that acted succeeded; partial: some merged, some failed; failed: nothing merged. */
export function finalStatus(agents: readonly Agent[], resultCommit: string | null): RunStatus {
  const failed = agents.some((a) => a.rec.status === 'failed')
  const acted = agents.some((a) => a.rec.votes?.acted)
  if (!acted) return 'failed'
  if (resultCommit === null) return failed ? 'failed' : 'ok'
  return failed ? 'partial' : 'ok'
}

/** The record's hint: what failed, or why nothing acted. */
export function hintFor(status: RunStatus, agents: readonly Agent[], runId: string): string | null {
  if (!agents.some((a) => a.rec.votes?.acted)) {
    return 'No agent scored at or above run.relevance_threshold; rephrase the intent or widen the paths (see `git momentum plan`).'
  }
  const failed = agents.filter((a) => a.rec.status === 'failed').map((a) => a.rec.id)
  if (status === 'partial')
    return `Failed and not merged: ${failed.join(', ')}. Inspect with \`git momentum log ${runId}\`.`
  if (status === 'failed') return `Nothing was merged; failed: ${failed.join(', ') || '(none)'}.`
  return null
}

/** How to finish an interrupted run. */
export function resumeHint(runId: string): string {
  return `Finish it with \`git momentum resume ${runId}\`.`
}

/** Token counts = what earlier tries recorded + this try's ledger; idempotent, so any snapshot can take it. */
export function tokenApplier(record: RunRecord, ledger: TokenLedger): (r: RunRecord) => void {
  const base = new Map(record.agents.map((a) => [a.id, { ...a.tokens }]))
  const baseTotal = { ...record.tokens }
  return (r) => {
    const total = ledger.total()
    r.tokens = {
      prompt: baseTotal.prompt + total.promptTokens,
      completion: baseTotal.completion + total.completionTokens,
    }
    for (const a of r.agents) {
      const b = base.get(a.id) ?? { prompt: 0, completion: 0 }
      const t = ledger.forAgent(a.id)
      a.tokens = { prompt: b.prompt + t.promptTokens, completion: b.completion + t.completionTokens }
    }
  }
}

/** A stable digest of the effective config, so a record says which settings produced it. */
export function digest(config: Config): string {
  return createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 16)
}
