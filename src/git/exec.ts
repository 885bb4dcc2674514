import { cpus } from 'node:os'
import { type SimpleGit, simpleGit } from 'simple-git'
import { fail } from '../errors/index.js'
import { ALLOWED_ENV, gitConfig, gitEnv } from './env.js'
import { Limiter } from './limiter.js'
import { type Attempt, withLockRetry } from './retry.js'

/** Options for one git invocation. */
export interface ExecOptions {
  /** Directory to run in. */
  cwd: string
  /** Bytes for stdin; stdin is always closed, empty when this is absent. */
  input?: Buffer | string
  /** Let repository hooks run (off by default: sandbox plumbing must not trigger user hooks). */
  hooks?: boolean
  /** Extra environment (e.g. an identity fallback). */
  env?: Record<string, string>
  /** Retry on lock contention (default true). */
  retry?: boolean
}

/** A finished git process that exited non-zero. */
export interface GitFailure {
  ok: false
  exitCode: number
  stderr: string
  args: string[]
}

/** Process-wide bound on concurrent git processes, shared by every Git instance. */
export const gitLimiter = new Limiter(Math.min(16, Math.max(4, cpus().length * 2)))

/** Changes the process-wide bound on concurrent git processes. */
export function setGitConcurrency(max: number): void {
  gitLimiter.setMax(max)
}

let spawned = 0
let busyMs = 0
/** How many git processes this module has started (benchmarks report it). */
export function gitProcessCount(): number {
  return spawned
}

/** Summed wall time of git processes so far, so benchmarks can separate git time from ours. */
export function gitTimeMs(): number {
  return busyMs
}

function client(opts: ExecOptions, seen: { exitCode: number; stderr: string }): SimpleGit {
  const input = opts.input === undefined ? Buffer.alloc(0) : Buffer.from(opts.input)
  return simpleGit({
    baseDir: opts.cwd,
    config: gitConfig(opts.hooks === true),
    // simple-git flags these keys whatever their value; we only ever set them to the safe value.
    unsafe: { allowUnsafeFsMonitor: true, allowUnsafeHooksPath: true, allowUnsafePager: true },
    allowEnvironment: [...ALLOWED_ENV],
    // Without onExit=false simple-git waits 50 ms after every process exit.
    completion: { onClose: true, onExit: false },
    // An empty Buffer is still written, which closes stdin so git can never wait on a terminal.
    input: () => input,
    errors: (error, result) => {
      seen.exitCode = result.exitCode
      seen.stderr = Buffer.concat(result.stdErr).toString('utf8')
      // simple-git ignores a non-zero exit with empty stderr; we never want that.
      return result.exitCode !== 0 ? (error ?? Buffer.from(`exit ${result.exitCode}`)) : error
    },
  }).env(gitEnv(process.env, opts.env))
}

function checkArgs(args: string[]): void {
  for (const arg of args) {
    if (arg.includes('\0')) {
      throw fail('INTERNAL', 'a git argument contains a NUL byte', 'This is a bug in git-momentum.', { args })
    }
  }
}

async function attempt<T>(
  args: string[],
  opts: ExecOptions,
  call: (git: SimpleGit) => Promise<T>,
): Promise<Attempt<T> & { exitCode?: number }> {
  const seen = { exitCode: 0, stderr: '' }
  spawned++
  const t0 = performance.now()
  try {
    return { ok: true, value: await call(client(opts, seen)) }
  } catch (error) {
    const stderr = seen.stderr || (error instanceof Error ? error.message : String(error))
    return { ok: false, stderr, error: { ok: false, exitCode: seen.exitCode || -1, stderr, args } }
  } finally {
    busyMs += performance.now() - t0
  }
}

async function execute<T>(
  args: string[],
  opts: ExecOptions,
  call: (git: SimpleGit) => Promise<T>,
): Promise<T | GitFailure> {
  checkArgs(args)
  try {
    return await withLockRetry(
      () => gitLimiter.run(() => attempt(args, opts, call)),
      opts.retry === false ? { attempts: 1, baseMs: 0, maxMs: 0 } : undefined,
    )
  } catch (failure) {
    if (isFailure(failure)) return failure
    throw failure
  }
}

function isFailure(value: unknown): value is GitFailure {
  return typeof value === 'object' && value !== null && 'ok' in value && value.ok === false
}

/** Runs git and returns stdout, or the failure (exit code and stderr) without throwing. */
export async function tryGit(
  args: string[],
  opts: ExecOptions,
): Promise<{ ok: true; stdout: string } | GitFailure> {
  const out = await execute(args, opts, (g) => g.raw(args))
  return typeof out === 'string' ? { ok: true, stdout: out } : out
}

/** Runs git and returns stdout; a non-zero exit throws GIT_FAILED carrying stderr. */
export async function runGit(args: string[], opts: ExecOptions): Promise<string> {
  const out = await tryGit(args, opts)
  if (out.ok) return out.stdout
  throw gitFailed(out)
}

/** Runs `git cat-file <args>` and returns stdout as bytes (blobs are not text). */
export async function runCatFileBuffer(args: string[], opts: ExecOptions): Promise<Buffer> {
  const out = await execute(['cat-file', ...args], opts, async (g) => {
    const value: unknown = await g.binaryCatFile(args)
    if (!Buffer.isBuffer(value)) throw new Error('simple-git returned non-Buffer output for cat-file')
    return value
  })
  if (Buffer.isBuffer(out)) return out
  throw gitFailed(out)
}

/** The typed error for a failed git command. */
export function gitFailed(f: GitFailure): Error {
  const first = f.stderr.split('\n').find((l) => l.trim() !== '') ?? `exit code ${f.exitCode}`
  return fail(
    'GIT_FAILED',
    `git ${f.args[0] ?? ''} failed: ${first.trim()}`,
    'Run the same git command by hand to see the full error (details are in the error data).',
    { args: f.args, exitCode: f.exitCode, stderr: f.stderr },
  )
}

/** `git init` with main as the default branch (demo and benchmark repositories). */
export async function initRepo(dir: string): Promise<void> {
  await runGit(['init', '--quiet', '--initial-branch=main', '--end-of-options', dir], { cwd: dir })
}
