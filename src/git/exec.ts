import { cpus } from 'node:os'
import { fail } from '../errors/index.js'
import { ALLOWED_ENV, gitConfig, gitEnv } from './env.js'
import { gitHost } from './host-client.js'
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

/** Counts a long-running batch process started by src/git/session.ts. */
export function countSession(): void {
  spawned++
}

/** How many git processes this module has started (benchmarks report it). */
export function gitProcessCount(): number {
  return spawned
}

function checkArgs(args: string[]): void {
  for (const arg of args) {
    if (arg.includes('\0')) {
      throw fail('INTERNAL', 'a git argument contains a NUL byte', 'This is a bug in git-momentum.', { args })
    }
  }
}

async function attempt(args: string[], opts: ExecOptions): Promise<Attempt<string> & { exitCode?: number }> {
  spawned++
  const input = opts.input === undefined ? new Uint8Array(0) : Buffer.from(opts.input)
  const reply = await gitHost.run({
    args,
    cwd: opts.cwd,
    env: gitEnv(process.env, opts.env),
    config: gitConfig(opts.hooks === true),
    allowEnv: [...ALLOWED_ENV],
    input,
  })
  if (reply.ok) return { ok: true, value: reply.stdout }
  return {
    ok: false,
    stderr: reply.stderr,
    error: { ok: false, exitCode: reply.exitCode, stderr: reply.stderr, args },
  }
}

async function execute(args: string[], opts: ExecOptions): Promise<string | GitFailure> {
  checkArgs(args)
  try {
    return await withLockRetry(
      () => gitLimiter.run(() => attempt(args, opts)),
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
  const out = await execute(args, opts)
  return typeof out === 'string' ? { ok: true, stdout: out } : out
}

/** Runs git and returns stdout; a non-zero exit throws GIT_FAILED carrying stderr. */
export async function runGit(args: string[], opts: ExecOptions): Promise<string> {
  const out = await tryGit(args, opts)
  if (out.ok) return out.stdout
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
