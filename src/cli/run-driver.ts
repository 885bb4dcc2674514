import { z } from 'zod'
import { RunRecordSchema } from '../agents/schema.js'
import type { RunEvent, RunOutcome } from '../agents/types.js'
import { ERROR_CODES, type ErrorCode, isMomentumError, MomentumError, RUN_EXIT } from '../errors/index.js'
import type { RetryEvent } from '../model/index.js'
import { makeStyler, type Styler } from './ansi.js'
import { createLiveView, type LiveView } from './live.js'
import type { CommandResult, GlobalOptions } from './output.js'

/** `--json` shape of `run`, `generate` and `resume`. */
export const RunJsonSchema = z.object({
  runId: z.string(),
  status: z.enum(['ok', 'partial', 'failed', 'interrupted']),
  exitCode: z.number().int().describe('0 ok, 3 partial, 4 failed, 130 interrupted'),
  resultBranch: z.string().nullable(),
  resultCommit: z.string().nullable(),
  record: RunRecordSchema,
})
/** Parsed `run --json` output. */
export type RunJson = z.infer<typeof RunJsonSchema>

/** Exit code for a run outcome (documented in docs/exit-codes.md). */
export function runExitCode(status: RunOutcome['status']): number {
  return status === 'interrupted' ? 130 : RUN_EXIT[status]
}

/** Errors that fail every agent the same way: a run that ended on one is reported as that error. */
export const FATAL_CODES = new Set(['MODEL_UNREACHABLE', 'MODEL_AUTH', 'CASSETTE_MISS', 'CASSETTE_INVALID'])

/**
 * When a run produced nothing because the model could not be used at all (unreachable, 401,
 * cassette miss), the useful answer is that one error with its hint, not a failed agent tree.
 */
export function fatalCause(o: RunOutcome): MomentumError | null {
  if (o.status !== 'failed') return null
  const errors = o.record.agents.map((a) => a.error).filter((e) => e !== null && FATAL_CODES.has(e.code))
  const first = errors[0]
  if (!first || !isErrorCode(first.code)) return null
  const hints: Record<string, string> = {
    MODEL_UNREACHABLE:
      'Start the model server, or fix [model] base_url in .momentum/config.toml (or OPENAI_BASE_URL).',
    MODEL_AUTH: 'Set a valid API key in the variable named by [model] api_key_env (default OPENAI_API_KEY).',
    CASSETTE_MISS:
      'The cassette has no reply for this request; re-record it with [model] provider = "record".',
    CASSETTE_INVALID: 'Re-record the cassette, or restore it from git.',
  }
  return new MomentumError(
    first.code,
    `${first.message} (run ${o.runId} stopped)`,
    hints[first.code] ?? 'See `git momentum log`.',
    {
      runId: o.runId,
    },
  )
}

/** The closing lines after a run: id, result branch, and what to do next. */
export function outcomeLines(o: RunOutcome, s: Styler): string[] {
  const id = o.runId
  const failed = o.record.agents.filter((a) => a.status === 'failed')
  const lines = [
    `${s('bold', 'run')} ${id}: ${o.status === 'ok' ? s('green', 'ok') : s(o.status === 'partial' ? 'yellow' : 'red', o.status)}`,
  ]
  if (o.resultBranch)
    lines.push(`result branch: ${o.resultBranch}${o.resultCommit ? ` (${o.resultCommit.slice(0, 10)})` : ''}`)
  for (const a of failed)
    lines.push(s('red', `failed: ${a.id}${a.error ? ` (${a.error.code}: ${a.error.message})` : ''}`))
  if (o.status === 'interrupted') {
    lines.push(`Interrupted. Agents that already committed are kept; finish with: git momentum resume ${id}`)
  } else if (o.resultCommit) {
    lines.push(
      `review: git momentum show ${id}    land: git momentum land ${id}    details: git momentum log ${id}`,
    )
  } else {
    lines.push(`nothing was merged; see git momentum log ${id}`)
  }
  return lines
}

/** What `driveRun` hands the library call: the abort signal, the event sink and a retry observer. */
export interface RunHooks {
  signal: AbortSignal
  onEvent: (e: RunEvent) => void
  onRetry: (e: RetryEvent) => void
}

/**
 * Runs a library call (`startRun`, `resumeRun`) with the live view and a SIGINT handler. The handler
 * lives only here, in the CLI: the first Ctrl-C aborts through the signal and lets the run save a
 * resumable record; a second one stops waiting.
 */
export async function driveRun(
  opts: GlobalOptions,
  call: (hooks: RunHooks) => Promise<RunOutcome>,
  io: { write?: (text: string) => void; warn?: (text: string) => void } = {},
): Promise<CommandResult> {
  const write = io.write ?? ((t: string) => process.stdout.write(t))
  const warn = io.warn ?? ((t: string) => process.stderr.write(t))
  const controller = new AbortController()
  const view: LiveView | null = opts.json
    ? null
    : createLiveView({ write, tty: opts.tty, color: opts.color, rows: process.stdout.rows })
  let runId: string | null = null
  const onEvent = (e: RunEvent): void => {
    if (e.type === 'run-started') runId = e.runId
    view?.onEvent(e)
  }
  const onRetry = (e: RetryEvent): void =>
    onEvent({
      type: 'warning',
      message: `${e.agentId}: retrying model request (${e.reason}) in ${e.delayMs}ms`,
    })
  let interrupts = 0
  const onSigint = (): void => {
    interrupts++
    if (interrupts === 1) {
      warn('\ninterrupt: stopping agents and saving the run record (Ctrl-C again to quit at once)\n')
      controller.abort()
      return
    }
    warn(`\ninterrupted${runId ? `; resume with: git momentum resume ${runId}` : ''}\n`)
    process.exit(130)
  }
  process.on('SIGINT', onSigint)
  try {
    const outcome = await call({ signal: controller.signal, onEvent, onRetry })
    view?.stop()
    const fatal = fatalCause(outcome)
    if (fatal) throw fatal
    const exitCode = runExitCode(outcome.status)
    const json: RunJson = {
      runId: outcome.runId,
      status: outcome.status,
      exitCode,
      resultBranch: outcome.resultBranch,
      resultCommit: outcome.resultCommit,
      record: outcome.record,
    }
    return { exitCode, json, human: ['', ...outcomeLines(outcome, makeStyler(opts.color))] }
  } catch (err) {
    view?.stop()
    // An abort that surfaces as an error still leaves a resumable run: say how to resume it.
    if (
      controller.signal.aborted &&
      isMomentumError(err) &&
      err.code === 'INTERRUPTED' &&
      runId &&
      !err.hint.includes(runId)
    ) {
      throw new MomentumError(
        err.code,
        err.message,
        `Finish it with: git momentum resume ${runId}`,
        err.data,
        err,
      )
    }
    throw err
  } finally {
    process.off('SIGINT', onSigint)
  }
}

function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code)
}
