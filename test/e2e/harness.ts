import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

/** Repository root (this file is test/e2e/harness.ts). */
export const ROOT = join(import.meta.dirname, '..', '..')
/** The launcher users run; e2e tests exercise the BUILT package through it. */
export const BIN = join(ROOT, 'bin', 'git-momentum')

/** Fails fast with the fix when the package was not built (npm test builds before vitest). */
export function assertBuilt(): void {
  if (!existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js'))) {
    throw new Error('e2e tests need the built package: run `npm run build` first')
  }
}

/** What one CLI invocation produced. */
export interface CliResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** Environment for the CLI: no ambient model or GitHub settings, no colour. */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(OPENAI_|GITHUB_|GH_|GIT_)/.test(k)) continue
    env[k] = v
  }
  return { ...env, NO_COLOR: '1', GIT_CONFIG_NOSYSTEM: '1', ...extra }
}

/** Starts `git momentum <args>` (async, so in-process test servers keep answering). */
export function startCli(args: string[], opts: { cwd: string; env?: Record<string, string> }) {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: opts.cwd,
    env: cliEnv(opts.env),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')))
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')))
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }))
  })
  return { child, done, output: () => stdout }
}

/** Runs `git momentum <args>` to completion. */
export function cli(args: string[], opts: { cwd: string; env?: Record<string, string> }): Promise<CliResult> {
  return startCli(args, opts).done
}

/** Writes `.momentum/config.toml` pointing the repo at a test model server. */
export function configure(repo: string, modelUrl: string, extra = ''): void {
  const file = join(repo, '.momentum', 'config.toml')
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(
    file,
    [
      '[model]',
      `base_url = "${modelUrl}"`,
      'model = "test-model"',
      'max_retries = 0',
      'timeout_ms = 20000',
      extra,
      '[validate]',
      'pyright = false',
      'sandbox = "none"',
      '',
    ].join('\n'),
  )
}

/** Replaces run ids, hashes, temp paths, times and durations so output can be snapshot. */
export function redact(text: string, paths: string[] = []): string {
  let out = text
  for (const p of [...paths].sort((a, b) => b.length - a.length)) out = out.split(p).join('<TMP>')
  return out
    .replace(/\d{8}-\d{4}-[0-9a-f]{4}/g, '<RUN>')
    .replace(/\bindex [0-9a-f]+\.\.[0-9a-f]+/g, 'index <SHA>..<SHA>')
    .replace(/\b[0-9a-f]{40}\b/g, '<SHA>')
    .replace(/\b[0-9a-f]{7,12}\b/g, '<SHA>')
    .replace(/\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?Z?)?/g, '<TIME>')
    .replace(/\b\d{4}-\d{2}-\d{2}\b/g, '<DATE>')
    .replace(/\b\d+(\.\d+)?(ms|s)\b/g, '<DUR>')
    .replace(/\b\d+m\d{2}s\b/g, '<DUR>')
    .replace(/\/tmp\/[\w.-]+/g, '<TMP>')
}
