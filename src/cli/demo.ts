import { z } from 'zod'
import type { RunEvent } from '../agents/types.js'
import { runDemo } from '../demo/run-demo.js'
import { makeStyler } from './ansi.js'
import { openGit } from './context.js'
import { createLiveView, type LiveView } from './live.js'
import type { CommandResult, GlobalOptions } from './output.js'
import { renderRunRecord } from './render-record.js'
import { diffCommits } from './repo-ops.js'
import { outcomeLines, runExitCode } from './run-driver.js'
import { colorDiff } from './show.js'

/** `--json` shape of `git momentum demo`. */
export const DemoJsonSchema = z.object({
  dir: z.string().describe('the scratch repository'),
  temporary: z.boolean().describe('true when the demo made a new temp dir'),
  steps: z.array(
    z.object({
      title: z.string(),
      command: z.string().describe('the equivalent command line'),
      runId: z.string(),
      status: z.enum(['ok', 'partial', 'failed', 'interrupted']),
      resultBranch: z.string().nullable(),
      resultCommit: z.string().nullable(),
    }),
  ),
  dag: z.string().describe('git log --graph --oneline --all'),
})

/** How to leave the cassette behind: printed at the end of the demo. */
export const REAL_MODEL_HELP = [
  'Use a real model: in your repo run `git momentum init`, then in .momentum/config.toml set',
  '  [model]',
  '  base_url = "https://api.openai.com/v1"   # or vLLM / Ollama, e.g. "http://localhost:11434/v1"',
  '  model = "gpt-4o-mini"',
  'and export OPENAI_API_KEY (or set OPENAI_BASE_URL / OPENAI_MODEL / OPENAI_API_KEY instead of the file).',
]

/** `git momentum demo [--dir DIR]`: the offline demo on the bundled replay cassette. */
export async function demoCommand(
  argv: Record<string, unknown>,
  opts: GlobalOptions,
): Promise<CommandResult> {
  const style = makeStyler(opts.color)
  const out = (t: string): void => {
    if (!opts.json) process.stdout.write(t)
  }
  // Held in an object: the callbacks below swap the view, which plain `let` narrowing would miss.
  const live: { view: LiveView | null } = { view: null }
  const dir = typeof argv.dir === 'string' ? argv.dir : null
  const result = await runDemo({
    dir,
    onRepo: (path, temporary) =>
      out(`scratch repo: ${path}${temporary ? ' (new temporary directory)' : ''}\n`),
    onStep: (title, command) => {
      live.view?.stop()
      out(`\n${style('bold', `== ${title}`)}\n$ ${command}\n`)
      live.view = opts.json
        ? null
        : createLiveView({ write: out, tty: opts.tty, color: opts.color, rows: process.stdout.rows })
    },
    onEvent: (e: RunEvent) => live.view?.onEvent(e),
  })
  live.view?.stop()
  const git = await openGit(result.dir)
  const human: string[] = []
  for (const s of result.steps) {
    const o = s.outcome
    human.push('', style('bold', `== ${s.title}: result`), ...outcomeLines(o, style), '')
    human.push(...renderRunRecord(o.record, style))
    if (o.resultCommit)
      human.push('', ...colorDiff((await diffCommits(git, o.record.base, o.resultCommit)).trimEnd(), style))
  }
  human.push(
    '',
    style('bold', '== The commit DAG (git log --graph --oneline --all, run records hidden)'),
    result.dag.trimEnd(),
  )
  human.push(
    '',
    `The scratch repo is ${result.dir}`,
    `  cd ${result.dir} && git momentum log`,
    '',
    ...REAL_MODEL_HELP,
  )
  const json = {
    dir: result.dir,
    temporary: result.temporary,
    steps: result.steps.map((s) => ({
      title: s.title,
      command: s.command,
      runId: s.outcome.runId,
      status: s.outcome.status,
      resultBranch: s.outcome.resultBranch,
      resultCommit: s.outcome.resultCommit,
    })),
    dag: result.dag,
  }
  const exitCode = Math.max(...result.steps.map((s) => runExitCode(s.outcome.status)), 0)
  return { exitCode, json, human }
}
