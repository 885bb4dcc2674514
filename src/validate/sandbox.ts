import { constants } from 'node:fs'
import { access } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, isAbsolute, join, resolve } from 'node:path'
import { fail } from '../errors/index.js'
import { runProcess } from './process.js'
import type { SandboxMode } from './types.js'

/** Which isolation validation processes get; `warning` is set once bwrap was wanted but cannot run. */
export interface SandboxInfo {
  kind: 'bwrap' | 'none'
  /** One line for the CLI to print once per run; the library never prints. */
  warning?: string
  /** Absolute path of the working bwrap binary when `kind` is `bwrap`. */
  bwrapPath?: string
}

/** Test seam and override: which bwrap binary to use instead of searching PATH. */
export interface SandboxOptions {
  bwrapPath?: string
}

type Probe = { ok: true; path: string } | { ok: false; reason: string }
const probes = new Map<string, Promise<Probe>>()

/** The environment every validation process gets: nothing from the agent's parent but these. */
export function validationEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: process.env.HOME ?? '/',
    LANG: process.env.LANG ?? 'C.UTF-8',
    // Python would otherwise litter the worktree with __pycache__ that no agent owns.
    PYTHONDONTWRITEBYTECODE: '1',
  }
  return env
}

/** Finds an executable on PATH (or checks an explicit path) without spawning `which`. */
export async function findExecutable(
  name: string,
  cwd: string,
  pathVar = process.env.PATH ?? '',
): Promise<string | null> {
  const candidates = name.includes('/')
    ? [isAbsolute(name) ? name : resolve(cwd, name)]
    : pathVar
        .split(delimiter)
        .filter((d) => d !== '')
        .map((d) => join(d, name))
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK)
      return candidate
    } catch {
      // not here; try the next directory
    }
  }
  return null
}

/**
 * The bwrap argv around `argv`: the whole filesystem read-only, a private /tmp, `dir` writable,
 * no network, its own pid/ipc/uts namespaces, no capabilities, killed with its parent.
 */
export function bwrapArgv(
  bwrap: string,
  dir: string,
  argv: readonly string[],
  readOnly: readonly string[] = [],
): string[] {
  const binds: string[] = []
  // After the tmpfs on /tmp, so paths under /tmp (test repos, config dirs) reappear inside.
  for (const path of readOnly) binds.push('--ro-bind', path, path)
  binds.push('--bind', dir, dir)
  return [
    bwrap,
    ...['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp'],
    ...binds,
    ...['--unshare-net', '--unshare-pid', '--unshare-ipc', '--unshare-uts'],
    ...['--die-with-parent', '--new-session', '--cap-drop', 'ALL'],
    ...['--chdir', dir, '--'],
    ...argv,
  ]
}

async function probe(bwrapPath: string | undefined): Promise<Probe> {
  const path = await findExecutable(bwrapPath ?? 'bwrap', process.cwd())
  if (path === null) {
    return {
      ok: false,
      reason: bwrapPath === undefined ? 'bwrap was not found on PATH' : `${bwrapPath} is not executable`,
    }
  }
  const scratch = tmpdir()
  const truePath = (await findExecutable('true', scratch)) ?? '/bin/true'
  const out = await runProcess(bwrapArgv(path, scratch, [truePath]), {
    cwd: scratch,
    env: validationEnv(),
    timeoutMs: 10_000,
    maxOutputBytes: 2048,
  })
  if (out.exitCode === 0) return { ok: true, path }
  const detail = out.spawnError ?? (out.output.trim().split('\n')[0] || `exit code ${out.exitCode}`)
  return {
    ok: false,
    reason: `a probe run of bwrap failed (${detail}); unprivileged user namespaces may be disabled`,
  }
}

/**
 * Decides how validation processes are isolated. The bwrap probe runs once per binary and is cached.
 * `auto` falls back to no sandbox with a warning; `bwrap` fails with VALIDATOR_UNAVAILABLE instead.
 */
export async function detectSandbox(mode: SandboxMode, opts: SandboxOptions = {}): Promise<SandboxInfo> {
  if (mode === 'none') return { kind: 'none' }
  const key = opts.bwrapPath ?? ''
  let pending = probes.get(key)
  if (pending === undefined) {
    pending = probe(opts.bwrapPath)
    probes.set(key, pending)
  }
  const result = await pending
  if (result.ok) return { kind: 'bwrap', bwrapPath: result.path }
  if (mode === 'bwrap') {
    throw fail(
      'VALIDATOR_UNAVAILABLE',
      `bubblewrap sandbox required but unavailable: ${result.reason}`,
      'Install bubblewrap (apt-get install bubblewrap) or set validate.sandbox = "auto" in .momentum/config.toml.',
      { reason: result.reason },
    )
  }
  return {
    kind: 'none',
    warning:
      `warning: validation commands run WITHOUT a sandbox (network on, whole disk writable): ${result.reason}. ` +
      'Install bubblewrap (apt-get install bubblewrap), or set validate.sandbox = "none" to accept this.',
  }
}
