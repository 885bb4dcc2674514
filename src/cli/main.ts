import yargs, { type Argv } from 'yargs'
import { toMomentumError } from '../errors/index.js'
import { type CommandResult, formatError, type GlobalOptions } from './output.js'

type Handler = (argv: Record<string, unknown>, opts: GlobalOptions) => Promise<CommandResult>

/** A subcommand: yargs wiring plus a lazily loaded handler, so startup cost stays flat. */
interface CommandSpec {
  command: string
  describe: string
  builder: (y: Argv) => Argv
  load: () => Promise<Handler>
}

const COMMANDS: CommandSpec[] = [
  {
    command: 'nodes <paths..>',
    describe: 'Show the agent tree (tree-sitter nodes) for files, directories or the repo',
    builder: (y) => y.positional('paths', { type: 'string', array: true, describe: 'Files or directories' }),
    load: async () => (await import('./nodes.js')).nodesCommand,
  },
]

/** Entry point used by bin/git-momentum; returns the exit code and never throws. */
export async function main(args: string[]): Promise<number> {
  let exitCode = 0
  const parser = yargs(args)
    .scriptName('git momentum')
    .strict()
    .option('json', { type: 'boolean', default: false, describe: 'Print machine-readable JSON' })
    .option('debug', { type: 'boolean', default: false, describe: 'Show stack traces for internal errors' })
    .option('C', { type: 'string', describe: 'Run as if started in this directory' })
    .demandCommand(1, 'Name a command; see `git momentum --help`.')
    .help()
    .version()
    .fail((msg, err) => {
      throw err ?? new UsageError(msg)
    })
  for (const spec of COMMANDS) {
    parser.command(spec.command, spec.describe, spec.builder, async (argv) => {
      const opts: GlobalOptions = {
        json: Boolean(argv.json),
        cwd: typeof argv.C === 'string' ? argv.C : process.cwd(),
        color: process.stdout.isTTY === true && !process.env.NO_COLOR,
        tty: process.stdout.isTTY === true,
        debug: Boolean(argv.debug),
      }
      const handler = await spec.load()
      const result = await handler(argv as Record<string, unknown>, opts)
      if (opts.json) process.stdout.write(`${JSON.stringify(result.json, null, 2)}\n`)
      else if (result.human.length > 0) process.stdout.write(`${result.human.join('\n')}\n`)
      exitCode = result.exitCode
    })
  }
  try {
    await parser.parseAsync()
    return exitCode
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`git-momentum: ${err.message}\n  hint: run \`git momentum --help\` for usage.\n`)
      return 2
    }
    const merr = toMomentumError(err)
    process.stderr.write(`${formatError(merr)}\n`)
    // Stack traces are for maintainers only; users get the one line and the hint.
    if (args.includes('--debug') && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`)
    return merr.exitCode
  }
}

class UsageError extends Error {}
