import { existsSync } from 'node:fs'
import { copyFile, mkdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startRun } from '../agents/index.js'
import type { RunEvent, RunOutcome } from '../agents/types.js'
import { loadConfig } from '../config/load.js'
import { fail } from '../errors/index.js'
import type { Git } from '../git/index.js'
import { createProvider, type ModelProvider } from '../model/index.js'
import { createDemoRepo, scratchDir } from './repo.js'
import { DEMO_CASSETTE, DEMO_EDIT, DEMO_GENERATE } from './scenario.js'

/** One example the demo ran. */
export interface DemoStep {
  title: string
  command: string
  outcome: RunOutcome
}

/** Everything the demo produced, for the CLI to print. */
export interface DemoResult {
  dir: string
  temporary: boolean
  steps: DemoStep[]
  /** `git log --graph --oneline --all` of the scratch repo after both runs (run records hidden). */
  dag: string
}

/** Options for runDemo. */
export interface DemoOptions {
  dir: string | null
  /** replay (default, offline) or record (live model; used by the recorder script). */
  mode?: 'replay' | 'record'
  env?: NodeJS.ProcessEnv
  signal?: AbortSignal
  /** Called once the scratch repo exists (so its path can be printed first). */
  onRepo?: (dir: string, temporary: boolean) => void
  /** Called before each example starts, then with its events. */
  onStep?: (title: string, command: string) => void
  onEvent?: (e: RunEvent) => void
}

/** The package root (holds package.json), found from this file in src/ or dist/src/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir)
    if (up === dir)
      throw fail('INTERNAL', 'cannot find the git-momentum package root', 'Reinstall git-momentum.')
    dir = up
  }
  return dir
}

/** The cassette shipped with the package. */
export function bundledCassette(): string {
  return join(packageRoot(), DEMO_CASSETTE)
}

/**
 * Runs the offline demo: a scratch repo with a real-world-style pyproject.toml and a small package,
 * then the seed's pyproject edit and a class generation, both through the full agent tree.
 */
export async function runDemo(opts: DemoOptions): Promise<DemoResult> {
  const mode = opts.mode ?? 'replay'
  const env = opts.env ?? process.env
  const source = bundledCassette()
  if (mode === 'replay' && !existsSync(source)) {
    throw fail(
      'CASSETTE_MISS',
      `the bundled cassette ${source} is missing`,
      'Reinstall git-momentum, or record it with `npm run demo:record`.',
    )
  }
  const { path, temporary } = await scratchDir(opts.dir)
  const git = await createDemoRepo(path, mode)
  opts.onRepo?.(path, temporary)
  if (mode === 'replay') await copyFile(source, join(path, DEMO_CASSETTE))
  const config = await loadConfig(path)
  // One provider for both examples, so a recording holds both and replay serves both.
  const provider = createProvider(config.model, { repoRoot: path, env })
  const edit = `git momentum run "${DEMO_EDIT.intent}" ${DEMO_EDIT.scope.join(' ')}`
  const sets = Object.keys(DEMO_GENERATE.vars).map((k) => `--set ${k}=…`)
  const gen = `git momentum generate ${DEMO_GENERATE.path} --template ${DEMO_GENERATE.template} ${sets.join(' ')}`
  const steps: DemoStep[] = []
  steps.push(await step(opts, path, provider, 'The seed example: edit pyproject.toml', edit, 'edit'))
  steps.push(await step(opts, path, provider, 'Generate a class with five methods', gen, 'generate'))
  if (mode === 'record') {
    await mkdir(dirname(source), { recursive: true })
    await copyFile(join(path, DEMO_CASSETTE), source)
  }
  return { dir: path, temporary, steps, dag: await dagOf(git) }
}

async function step(
  opts: DemoOptions,
  cwd: string,
  provider: ModelProvider,
  title: string,
  command: string,
  which: 'edit' | 'generate',
): Promise<DemoStep> {
  opts.onStep?.(title, command)
  const config = await loadConfig(cwd)
  const common = {
    cwd,
    config,
    provider,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
  }
  const outcome =
    which === 'edit'
      ? await startRun({ ...common, intent: DEMO_EDIT.intent, scope: [...DEMO_EDIT.scope] })
      : await startRun({
          ...common,
          intent: DEMO_GENERATE.intent,
          scope: [DEMO_GENERATE.path],
          generate: {
            path: DEMO_GENERATE.path,
            template: DEMO_GENERATE.template,
            vars: { ...DEMO_GENERATE.vars },
          },
        })
  return { title, command, outcome }
}

/** The commit DAG of every ref, as `git log --graph --oneline --all` prints it, minus the run-record chains. */
export async function dagOf(git: Git): Promise<string> {
  return git.run([
    'log',
    '--graph',
    '--oneline',
    '--decorate=short',
    '--no-color',
    '--exclude=refs/momentum/*',
    '--all',
  ])
}
