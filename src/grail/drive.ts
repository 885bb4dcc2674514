import {
  type Monty,
  MontyComplete,
  MontyNameLookup,
  MontySnapshot,
  type ResourceLimits,
  type ResumeOptions,
} from '@pydantic/monty'

/** Handles one paused host call: the wrapper name Monty called, its args and kwargs. */
export type CallHandler = (
  name: string,
  args: unknown[],
  kwargs: Record<string, unknown>,
) => ResumeOptions | Promise<ResumeOptions>

/** Thrown when the script's own execution time, summed over segments, exceeds the budget. */
export class TimeBudgetExceeded extends Error {
  override readonly name = 'TimeBudgetExceeded'
}

/** Options for one drive of a Monty program. */
export interface DriveOptions {
  inputs: Record<string, unknown>
  limits: ResourceLimits
  /** Seconds of script execution (host waits excluded) before the run is stopped. */
  budgetSecs: number
  print?: (text: string) => void
}

/**
 * Host waits may add up to this share of the budget on Monty's clock before it is restarted; Monty's
 * own limit gets the same margin, so a script still always gets its whole budget.
 */
const HOST_SLACK = 0.1

/**
 * Runs a program with start/resume so every host call passes through `handle`.
 * Monty's duration limit counts wall time since start, host waits included. Once host waits since
 * the last (re)start exceed the slack, the snapshot is dumped and reloaded, which restarts that
 * clock; our own sum of segment times enforces the budget for the run as a whole. Reloading after
 * every slow call instead cost a millisecond or more each time on a busy event loop.
 */
export async function drive(monty: Monty, opts: DriveOptions, handle: CallHandler): Promise<unknown> {
  // Monty insists the callback returns undefined.
  const printCallback = opts.print
    ? (_stream: string, text: string): void => {
        opts.print?.(text)
      }
    : undefined
  let spent = 0
  const timed = <T>(step: () => T): T => {
    const t0 = performance.now()
    try {
      return step()
    } finally {
      spent += performance.now() - t0
    }
  }
  const slackMs = opts.budgetSecs * 1000 * HOST_SLACK
  const limits = { ...opts.limits, maxDurationSecs: opts.budgetSecs + slackMs / 1000 }
  let waited = 0
  let progress = timed(() =>
    monty.start({ inputs: opts.inputs, limits, ...(printCallback ? { printCallback } : {}) }),
  )
  while (!(progress instanceof MontyComplete)) {
    if (spent / 1000 > opts.budgetSecs) throw new TimeBudgetExceeded(`script time ${Math.round(spent)} ms`)
    if (progress instanceof MontyNameLookup) {
      const lookup = progress
      progress = timed(() => lookup.resume())
      continue
    }
    let snapshot: MontySnapshot = progress
    const waitStart = performance.now()
    const resume = await handle(snapshot.functionName, snapshot.args, snapshot.kwargs)
    waited += performance.now() - waitStart
    if (waited > slackMs) {
      const data = snapshot.dump()
      snapshot = MontySnapshot.load(data, printCallback ? { printCallback } : undefined)
      waited = 0
    }
    const current = snapshot
    progress = timed(() => current.resume(resume))
  }
  return progress.output
}
