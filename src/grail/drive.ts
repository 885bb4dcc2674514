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

/** Host waits longer than this restart Monty's clock, so slow externals do not count as script time. */
const SLOW_HOST_MS = 2

/**
 * Runs a program with start/resume so every host call passes through `handle`.
 * Monty's duration limit counts wall time since start, host waits included; after a slow host call the
 * snapshot is dumped and reloaded, which restarts that clock, and our own sum of segment times
 * enforces the budget for the run as a whole.
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
  let progress = timed(() =>
    monty.start({ inputs: opts.inputs, limits: opts.limits, ...(printCallback ? { printCallback } : {}) }),
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
    if (performance.now() - waitStart > SLOW_HOST_MS) {
      const data = snapshot.dump()
      snapshot = MontySnapshot.load(data, printCallback ? { printCallback } : undefined)
    }
    const current = snapshot
    progress = timed(() => current.resume(resume))
  }
  return progress.output
}
