import { startRun } from '../agents/index.js'
import { fail } from '../errors/index.js'
import { openContext, providerFor } from './context.js'
import type { CommandResult, GlobalOptions } from './output.js'
import { driveRun } from './run-driver.js'

/** Trims the intent; EMPTY_INTENT when nothing is left. */
export function checkIntent(raw: unknown): string {
  const intent = typeof raw === 'string' ? raw.trim() : ''
  if (intent === '') {
    throw fail(
      'EMPTY_INTENT',
      'the intent is empty',
      'Say what should change, e.g. git momentum run "add a dependency for requests" pyproject.toml',
    )
  }
  return intent
}

/** Paths given on the command line; the whole repo when none. */
export function scopeArg(raw: unknown): string[] {
  const paths = Array.isArray(raw) ? raw.map(String).filter((p) => p !== '') : []
  return paths.length > 0 ? paths : ['.']
}

/** `git momentum run "<intent>" [paths..]`: runs the agent tree and prints the result branch. */
export async function runCommand(argv: Record<string, unknown>, opts: GlobalOptions): Promise<CommandResult> {
  const intent = checkIntent(argv.intent)
  const scope = scopeArg(argv.paths)
  const ctx = await openContext(opts.cwd, { needCommits: true })
  return driveRun(opts, ({ signal, onEvent, onRetry }) =>
    startRun({
      cwd: opts.cwd,
      intent,
      scope,
      config: ctx.config,
      provider: providerFor(ctx, process.env, onRetry),
      signal,
      onEvent,
    }),
  )
}
