import { resumeRun } from '../agents/index.js'
import { openContext, providerFor } from './context.js'
import type { CommandResult, GlobalOptions } from './output.js'
import { driveRun } from './run-driver.js'
import { resolveRunId } from './runs.js'

/** `git momentum resume <run>`: finishes an interrupted run; agents with validated commits are reused. */
export async function resumeCommand(
  argv: Record<string, unknown>,
  opts: GlobalOptions,
): Promise<CommandResult> {
  const ctx = await openContext(opts.cwd, { needCommits: true })
  const runId = await resolveRunId(ctx.git, String(argv.run))
  return driveRun(opts, ({ signal, onEvent, onRetry }) =>
    resumeRun({
      cwd: opts.cwd,
      runId,
      config: ctx.config,
      provider: providerFor(ctx, process.env, onRetry),
      signal,
      onEvent,
    }),
  )
}
