import { z } from 'zod'
import { isRunId } from '../agents/run-id.js'
import { fail } from '../errors/index.js'
import { removeRun } from '../sandbox/index.js'
import { openContext } from './context.js'
import { runIdsInRepo } from './gc.js'
import type { CommandResult, GlobalOptions } from './output.js'

/** `--json` shape of `git momentum abort`. */
export const AbortJsonSchema = z.object({
  runId: z.string(),
  branches: z.number().int().describe('branches removed (0 when repeated)'),
  worktrees: z.number().int().describe('worktrees removed (0 when repeated)'),
  refs: z.number().int().describe('record and attempt refs removed (0 when repeated)'),
})

/**
 * `git momentum abort <run>`: removes one run's worktrees, branches and refs (and nothing else).
 * Safe to repeat: aborting a run that is already gone reports zero removals.
 */
export async function abortCommand(
  argv: Record<string, unknown>,
  opts: GlobalOptions,
): Promise<CommandResult> {
  const ctx = await openContext(opts.cwd)
  const typed = String(argv.run)
  const ids = await runIdsInRepo(ctx.git)
  // Like the other commands, `last` is the newest run (ids start with a UTC timestamp).
  const newest = [...ids].sort().at(-1)
  const matches = ids.includes(typed)
    ? [typed]
    : typed === 'last' && newest !== undefined
      ? [newest]
      : ids.filter((id) => typed.length >= 4 && (id.startsWith(typed) || id.endsWith(typed)))
  if (matches.length > 1) {
    throw fail(
      'UNKNOWN_RUN',
      `run id "${typed}" is ambiguous (${matches.join(', ')})`,
      'Give the full run id.',
      { matches },
    )
  }
  const runId = matches[0] ?? (isRunId(typed) ? typed : null)
  if (runId === null) {
    throw fail(
      'UNKNOWN_RUN',
      `no run "${typed}"`,
      'List runs with `git momentum log`; run ids look like 20261125-1203-a1b2.',
      {
        run: typed,
      },
    )
  }
  const removed = await removeRun(ctx.git, runId)
  const json = { runId, ...removed }
  const human =
    removed.branches + removed.worktrees + removed.refs === 0 && matches.length === 0
      ? [`run ${runId}: nothing left to remove.`]
      : [
          `aborted run ${runId}: removed ${removed.branches} branch(es), ${removed.worktrees} worktree(s) and ${removed.refs} ref(s).`,
        ]
  return { exitCode: 0, json, human }
}
