import { z } from 'zod'
import { RunRecordSchema } from '../agents/schema.js'
import { makeStyler } from './ansi.js'
import { openContext } from './context.js'
import type { CommandResult, GlobalOptions } from './output.js'
import { renderRunList, renderRunRecord } from './render-record.js'
import { loadAllRuns, loadRun } from './runs.js'

/** One run in the `log --json` list. */
export const RunSummarySchema = z.object({
  runId: z.string(),
  status: RunRecordSchema.shape.status,
  intent: z.string(),
  scope: z.array(z.string()),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  resultBranch: z.string().nullable(),
  resultCommit: z.string().nullable(),
  acted: z.number().int().describe('agents whose vote was at or above the threshold'),
  failed: z.number().int().describe('agents that failed and were not merged'),
})

/** `--json` shape of `git momentum log` (list) and `git momentum log <run>` (the full run record). */
export const LogJsonSchema = z.union([z.object({ runs: z.array(RunSummarySchema) }), RunRecordSchema])

/** `git momentum log [<run>]`: lists runs, or one run's agent tree, from git alone. */
export async function logCommand(argv: Record<string, unknown>, opts: GlobalOptions): Promise<CommandResult> {
  const ctx = await openContext(opts.cwd)
  const style = makeStyler(opts.color)
  if (typeof argv.run === 'string') {
    const record = await loadRun(ctx.git, argv.run)
    return { exitCode: 0, json: record, human: renderRunRecord(record, style) }
  }
  const runs = await loadAllRuns(ctx.git)
  const json = {
    runs: runs.map((r) => ({
      runId: r.runId,
      status: r.status,
      intent: r.intent,
      scope: r.scope,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      resultBranch: r.resultBranch,
      resultCommit: r.resultCommit,
      acted: r.agents.filter((a) => a.votes?.acted).length,
      failed: r.agents.filter((a) => a.status === 'failed').length,
    })),
  }
  return { exitCode: 0, json, human: renderRunList(runs, style) }
}
