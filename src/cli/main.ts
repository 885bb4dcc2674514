import yargs, { type Argv } from 'yargs'
import { z } from 'zod'
import { toMomentumError } from '../errors/index.js'
import { type CommandResult, formatError, type GlobalOptions } from './output.js'

const CommandResultSchema = z.object({
  exitCode: z.number().int(),
  json: z.unknown(),
  human: z.array(z.string()),
})

type Handler = (argv: Record<string, unknown>, opts: GlobalOptions) => Promise<CommandResult>

/** A subcommand: yargs wiring plus a lazily loaded handler, so startup cost stays flat. */
interface CommandSpec {
  command: string
  describe: string
  builder: (y: Argv) => Argv
  load: () => Promise<Handler>
}

const intentArgs = (y: Argv): Argv =>
  y
    .positional('intent', { type: 'string', describe: 'What should change, in plain words' })
    .positional('paths', {
      type: 'string',
      array: true,
      describe: 'Files or directories (default: the whole repo)',
    })

const runArg = (y: Argv): Argv =>
  y.positional('run', { type: 'string', describe: 'Run id (or a unique part of it, or "last")' })

/** Loads helper F's `scripts check` handler by shape, whatever it is named. */
async function loadScriptsHandler(): Promise<Handler> {
  const mod: Record<string, unknown> = await import('./scripts.js')
  const names = ['scriptsCheckCommand', 'scriptsCommand', 'checkScriptsCommand', 'default']
  const found = names.map((n) => mod[n]).find((f) => typeof f === 'function')
  if (typeof found !== 'function') throw new Error('src/cli/scripts.ts exports no command handler')
  return async (argv, opts) => CommandResultSchema.parse(await found(argv, opts))
}

const COMMANDS: CommandSpec[] = [
  {
    command: 'init',
    describe: 'Create .momentum/config.toml (every option commented) and the override folders',
    builder: (y) => y,
    load: async () => (await import('./init.js')).initCommand,
  },
  {
    command: 'plan <intent> [paths..]',
    describe: 'Dry run: show the agent tree, each relevance score and whether it would act',
    builder: intentArgs,
    load: async () => (await import('./plan.js')).planCommand,
  },
  {
    command: 'run <intent> [paths..]',
    describe: 'Run an edit through the agent tree; prints the run id and the result branch',
    builder: intentArgs,
    load: async () => (await import('./run.js')).runCommand,
  },
  {
    command: 'generate <path>',
    describe: 'Create a new file from a template through the agent tree',
    builder: (y) =>
      y
        .positional('path', { type: 'string', describe: 'File to create' })
        .option('template', {
          type: 'string',
          demandOption: true,
          describe: 'Template name, e.g. python-class',
        })
        .option('set', { type: 'string', array: true, describe: 'Template variable, key=value (repeatable)' })
        .option('intent', { type: 'string', describe: 'Extra instructions for the agents' }),
    load: async () => (await import('./generate.js')).generateCommand,
  },
  {
    command: 'log [run]',
    describe: "List runs, or show one run's agent tree with verdicts, attempts and validations",
    builder: runArg,
    load: async () => (await import('./log.js')).logCommand,
  },
  {
    command: 'show <run> [agent]',
    describe: 'Show the diff and validation output of one agent, or of the whole result',
    builder: (y) =>
      runArg(y).positional('agent', { type: 'string', describe: 'Agent id (or a unique suffix)' }),
    load: async () => (await import('./show.js')).showCommand,
  },
  {
    command: 'land <run>',
    describe: "Bring a run's validated result onto the current branch",
    builder: (y) =>
      runArg(y)
        .option('ff-only', { type: 'boolean', describe: 'Only fast-forward (the default)' })
        .option('merge', { type: 'boolean', describe: 'Create a merge commit' })
        .conflicts('ff-only', 'merge'),
    load: async () => (await import('./land.js')).landCommand,
  },
  {
    command: 'pr <run>',
    describe: 'Push the result branch and open a GitHub pull request',
    builder: (y) =>
      runArg(y)
        .option('remote', { type: 'string', default: 'origin', describe: 'Remote to push to' })
        .option('base', { type: 'string', describe: 'Branch the PR targets (default: the current branch)' })
        .option('repo', { type: 'string', describe: 'GitHub owner/name when the remote URL does not say' })
        .option('draft', { type: 'boolean', default: false, describe: 'Open as a draft' })
        .option('dry-run', {
          type: 'boolean',
          default: false,
          describe: 'Print the body and a request-pull summary only',
        }),
    load: async () => (await import('./pr.js')).prCommand,
  },
  {
    command: 'resume <run>',
    describe: 'Finish an interrupted run; agents with validated commits are not run again',
    builder: runArg,
    load: async () => (await import('./resume.js')).resumeCommand,
  },
  {
    command: 'abort <run>',
    describe: "Remove one run's worktrees, branches and refs (safe to repeat)",
    builder: runArg,
    load: async () => (await import('./abort.js')).abortCommand,
  },
  {
    command: 'gc',
    describe: 'Remove old runs (worktrees, branches, refs); keeps resumable runs unless --all',
    builder: (y) =>
      y
        .option('older-than', { type: 'string', describe: 'Age, e.g. 12h, 7d, 2w (default 7d)' })
        .option('all', {
          type: 'boolean',
          default: false,
          describe: 'Remove every run, whatever its age or state',
        }),
    load: async () => (await import('./gc.js')).gcCommand,
  },
  {
    command: 'demo',
    describe: 'Offline demo in a scratch repo on the bundled replay cassette',
    builder: (y) =>
      y.option('dir', {
        type: 'string',
        describe: 'Directory for the scratch repo (default: a new temp dir)',
      }),
    load: async () => (await import('./demo.js')).demoCommand,
  },
  {
    command: 'nodes <paths..>',
    describe: 'Show the agent tree (tree-sitter nodes) for files, directories or the repo',
    builder: (y) => y.positional('paths', { type: 'string', array: true, describe: 'Files or directories' }),
    load: async () => (await import('./nodes.js')).nodesCommand,
  },
  {
    command: 'scripts <action> [paths..]',
    describe: 'scripts check [paths..]: check every template and .pym script the repo would use',
    builder: (y) =>
      y
        .positional('action', { type: 'string', choices: ['check'], describe: 'What to do' })
        .positional('paths', {
          type: 'string',
          array: true,
          describe: 'Template or .pym files (default: all)',
        }),
    load: loadScriptsHandler,
  },
]

/** The first word of every subcommand (docs/cli.md documents each; a unit test checks). */
export const COMMAND_NAMES: string[] = COMMANDS.map((c) => c.command.split(' ')[0] ?? c.command)

/** Entry point used by bin/git-momentum; returns the exit code and never throws. */
export async function main(args: string[]): Promise<number> {
  let exitCode = 0
  const json = args.includes('--json')
  const parser = yargs(args)
    .scriptName('git momentum')
    .strict()
    .option('json', { type: 'boolean', default: false, describe: 'Print machine-readable JSON' })
    .option('debug', { type: 'boolean', default: false, describe: 'Show stack traces for internal errors' })
    .option('C', { type: 'string', describe: 'Run as if started in this directory' })
    .demandCommand(1, 'Name a command; see `git momentum --help`.')
    .recommendCommands()
    .help()
    .version()
    .wrap(Math.min(110, process.stdout.columns ?? 80))
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
    // The one place errors become exit codes: usage problems are 2, typed errors use their table entry.
    if (err instanceof UsageError) {
      process.stderr.write(`git-momentum: ${err.message}\n  hint: run \`git momentum --help\` for usage.\n`)
      if (json)
        process.stdout.write(
          `${JSON.stringify({ error: { code: 'USAGE', message: err.message } }, null, 2)}\n`,
        )
      return 2
    }
    const merr = toMomentumError(err)
    process.stderr.write(`${formatError(merr)}\n`)
    if (json) process.stdout.write(`${JSON.stringify({ error: merr.toJSON() }, null, 2)}\n`)
    // Stack traces are for maintainers only; users get the one line and the hint.
    if (args.includes('--debug') && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`)
    return merr.exitCode
  }
}

class UsageError extends Error {}
