import { access, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { performance } from 'node:perf_hooks'
import { z } from 'zod'
import { fail } from '../errors/index.js'
import { runProcess } from './process.js'
import { bwrapArgv, detectSandbox, type SandboxOptions, validationEnv } from './sandbox.js'
import type { SandboxMode, ValidationResult } from './types.js'

/** Options for {@link pyrightCheck}. */
export interface PyrightOptions extends SandboxOptions {
  /** Python version to check against (default `3.12`), so the host interpreter does not matter. */
  pythonVersion?: string
  /** Kill pyright after this long (default 60 s); the result then fails with a timeout diagnostic. */
  timeoutMs?: number
  /** Isolation for the pyright process (default `auto`). */
  sandbox?: SandboxMode
  signal?: AbortSignal
}

const Position = z.object({ line: z.number(), character: z.number() })
const PyrightReport = z.object({
  version: z.string(),
  generalDiagnostics: z.array(
    z.object({
      file: z.string(),
      severity: z.enum(['error', 'warning', 'information']),
      message: z.string(),
      range: z.object({ start: Position, end: Position }).optional(),
      rule: z.string().optional(),
    }),
  ),
  summary: z.object({ errorCount: z.number(), warningCount: z.number() }),
})

/** The pyright CLI entry (its `index.js`), resolved from our own dependencies, never from PATH. */
export function pyrightEntry(): string {
  return createRequire(import.meta.url).resolve('pyright')
}

/**
 * Type-checks `files` (relative to `dir`) with the bundled pyright, in standard mode. Unresolved
 * third-party imports do not fail: sandboxes hold only the files an agent owns. Errors fail; warnings
 * are listed. Runs inside bubblewrap when available.
 */
export async function pyrightCheck(
  dir: string,
  files: readonly string[],
  opts: PyrightOptions = {},
): Promise<ValidationResult> {
  const started = performance.now()
  const done = (ok: boolean, diagnostics: string[], skipped?: string): ValidationResult => ({
    name: 'pyright',
    ok,
    diagnostics,
    durationMs: performance.now() - started,
    ...(skipped === undefined ? {} : { skipped }),
  })
  if (files.length === 0) return done(true, [], 'no Python files to check')
  const root = await realpath(dir)
  for (const file of files) await checkInside(root, file)
  const sandbox = await detectSandbox(opts.sandbox ?? 'auto', opts)
  const timeoutMs = opts.timeoutMs ?? 60_000

  // The config lives outside the worktree: a stray pyrightconfig.json there would be an unowned change.
  const configDir = await mkdtemp(join(tmpdir(), 'momentum-pyright-'))
  try {
    const configPath = join(configDir, 'pyrightconfig.json')
    await writeFile(configPath, JSON.stringify(pyrightConfig(root, opts.pythonVersion ?? '3.12')))
    const entry = pyrightEntry()
    const argv = [process.execPath, entry, '--outputjson', '-p', configPath, ...files]
    const wrapped =
      sandbox.kind === 'bwrap' && sandbox.bwrapPath !== undefined
        ? bwrapArgv(sandbox.bwrapPath, root, argv, [configDir, dirname(entry)])
        : argv
    const out = await runProcess(wrapped, { cwd: root, env: validationEnv(), timeoutMs, signal: opts.signal })
    if (out.aborted) return done(false, ['pyright: cancelled'])
    if (out.timedOut) return done(false, [`pyright: timed out after ${timeoutMs} ms and was killed`])
    // Exit 0 = clean, 1 = errors reported; anything else is pyright itself failing.
    if (out.exitCode !== 0 && out.exitCode !== 1) {
      throw fail(
        'VALIDATOR_UNAVAILABLE',
        `pyright failed (exit ${out.exitCode ?? out.signal}): ${out.output.trim().split('\n')[0] ?? ''}`,
        'Check that the pyright package is installed (npm ci).',
        { output: out.output },
      )
    }
    const report = parseReport(out.stdout)
    const diagnostics = report.generalDiagnostics
      .filter((d) => d.severity !== 'information')
      .map((d) => {
        const line = (d.range?.start.line ?? 0) + 1
        const col = (d.range?.start.character ?? 0) + 1
        const rule = d.rule === undefined ? '' : ` (${d.rule})`
        return `${displayPath(root, d.file)}:${line}:${col} ${d.severity}: ${d.message}${rule}`
      })
    return done(report.summary.errorCount === 0, diagnostics)
  } finally {
    await rm(configDir, { recursive: true, force: true })
  }
}

function pyrightConfig(root: string, pythonVersion: string): Record<string, unknown> {
  return {
    pythonVersion,
    typeCheckingMode: 'standard',
    reportMissingImports: 'none',
    reportMissingModuleSource: 'none',
    // Local modules of the sandbox still resolve although the project root is the config's dir.
    extraPaths: [root],
  }
}

function parseReport(stdout: string): z.infer<typeof PyrightReport> {
  let json: unknown
  try {
    json = JSON.parse(stdout)
  } catch {
    throw fail('VALIDATOR_UNAVAILABLE', 'pyright printed no JSON report', 'Run pyright by hand to see why.', {
      stdout: stdout.slice(0, 2000),
    })
  }
  const parsed = PyrightReport.safeParse(json)
  if (!parsed.success) {
    throw fail(
      'VALIDATOR_UNAVAILABLE',
      `unexpected pyright report shape: ${parsed.error.message}`,
      'Report this as a bug.',
    )
  }
  return parsed.data
}

async function checkInside(root: string, file: string): Promise<void> {
  const full = resolve(root, file)
  if (isAbsolute(file) || !(full === root || full.startsWith(root + sep))) {
    throw fail(
      'PATH_OUTSIDE_REPO',
      `pyright target ${file} is not inside ${root}`,
      'Pass paths relative to the sandbox.',
    )
  }
  try {
    await access(full)
  } catch {
    throw fail(
      'PATH_MISSING',
      `pyright target ${file} does not exist in ${root}`,
      'Check out the file in the sandbox first.',
    )
  }
}

function displayPath(root: string, file: string): string {
  const rel = relative(root, file)
  return rel.startsWith('..') ? file : rel.split(sep).join('/')
}
