import { realpath } from 'node:fs/promises'
import { performance } from 'node:perf_hooks'
import type { CommandValidator } from '../config/schema.js'
import { fail } from '../errors/index.js'
import { runProcess } from './process.js'
import { bwrapArgv, detectSandbox, findExecutable, type SandboxOptions, validationEnv } from './sandbox.js'
import type { SandboxMode, ValidationResult } from './types.js'

/** Extra knobs for {@link runCommandValidator}. */
export interface CommandRunOptions extends SandboxOptions {
  signal?: AbortSignal
  /** Cap on captured output (head and tail kept); default 64 KiB. */
  maxOutputBytes?: number
}

/**
 * Runs one configured command (argv, never a shell) in `cwd`, inside bubblewrap when available.
 * Exit code 0 passes. On failure the diagnostics are a summary line, then the captured output.
 */
export async function runCommandValidator(
  cmd: CommandValidator,
  cwd: string,
  mode: SandboxMode,
  opts: CommandRunOptions = {},
): Promise<ValidationResult> {
  const started = performance.now()
  const sandbox = await detectSandbox(mode, opts)
  const dir = await realpath(cwd)
  const [program, ...args] = cmd.run
  if (program === undefined)
    throw fail('CONFIG_INVALID', `validator ${cmd.name} has an empty command`, 'Give `run` an argv.')
  const resolved = await findExecutable(program, dir, validationEnv().PATH)
  if (resolved === null) {
    throw fail(
      'VALIDATOR_UNAVAILABLE',
      `validator ${cmd.name}: command not found: ${program}`,
      'Install it, or fix `run` of this validator in .momentum/config.toml.',
      { validator: cmd.name, program },
    )
  }
  const argv = [resolved, ...args]
  const out = await runProcess(
    sandbox.kind === 'bwrap' && sandbox.bwrapPath !== undefined
      ? bwrapArgv(sandbox.bwrapPath, dir, argv)
      : argv,
    {
      cwd: dir,
      env: validationEnv(),
      timeoutMs: cmd.timeout_ms,
      maxOutputBytes: opts.maxOutputBytes,
      signal: opts.signal,
    },
  )
  const shown = cmd.run.join(' ')
  let summary: string | null = null
  if (out.spawnError !== undefined) summary = `${shown}: could not start: ${out.spawnError}`
  else if (out.aborted) summary = `${shown}: cancelled`
  else if (out.timedOut) summary = `${shown}: timed out after ${cmd.timeout_ms} ms and was killed`
  else if (out.exitCode !== 0) {
    summary = `${shown}: ${out.exitCode === null ? `killed by ${out.signal}` : `exited with code ${out.exitCode}`}`
  }
  const diagnostics = summary === null ? [] : [summary]
  if (summary !== null && out.output.trim() !== '') diagnostics.push(out.output.trimEnd())
  return { name: cmd.name, ok: summary === null, diagnostics, durationMs: performance.now() - started }
}
