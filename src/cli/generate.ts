import { startRun } from '../agents/index.js'
import { fail } from '../errors/index.js'
import { openContext, providerFor } from './context.js'
import type { CommandResult, GlobalOptions } from './output.js'
import { driveRun } from './run-driver.js'

/** Parses repeated `--set key=value` into template variables; USAGE on a malformed pair. */
export function parseSets(raw: unknown): Record<string, string> {
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw.map(String) : [String(raw)]
  const vars: Record<string, string> = {}
  for (const item of list) {
    const eq = item.indexOf('=')
    const key = eq > 0 ? item.slice(0, eq).trim() : ''
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key)) {
      throw fail(
        'USAGE',
        `--set "${item}" is not key=value`,
        'Write each variable as --set name=value, e.g. --set class_name=Invoice.',
      )
    }
    vars[key] = item.slice(eq + 1)
  }
  return vars
}

/** `git momentum generate <path> --template <name> [--set k=v ...] [--intent "..."]`: a new file through the agent tree. */
export async function generateCommand(
  argv: Record<string, unknown>,
  opts: GlobalOptions,
): Promise<CommandResult> {
  const path = String(argv.path ?? '').trim()
  const template = String(argv.template ?? '').trim()
  if (path === '' || template === '') {
    throw fail(
      'USAGE',
      'generate needs a path and --template',
      'For example: git momentum generate src/app/invoice.py --template python-class --set class_name=Invoice',
    )
  }
  const vars = parseSets(argv.set)
  const given = typeof argv.intent === 'string' ? argv.intent.trim() : ''
  if (typeof argv.intent === 'string' && given === '') {
    throw fail(
      'EMPTY_INTENT',
      'the --intent is empty',
      'Leave --intent out, or say what the new file should do.',
    )
  }
  const intent = given || `create ${path} from the ${template} template`
  const ctx = await openContext(opts.cwd, { needCommits: true })
  return driveRun(opts, ({ signal, onEvent, onRetry }) =>
    startRun({
      cwd: opts.cwd,
      intent,
      scope: [path],
      config: ctx.config,
      provider: providerFor(ctx, process.env, onRetry),
      signal,
      onEvent,
      generate: { path, template, vars },
    }),
  )
}
