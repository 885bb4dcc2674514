import { fail } from '../errors/index.js'
import { Semaphore } from '../model/semaphore.js'

/**
 * Bounds how many agents do work at once. Only leaf work and a parent's own merge step hold a
 * slot; a parent never holds one while it waits for its children, so any limit >= 1 is
 * deadlock-free and siblings wait for each other only through the limit.
 */
export class Scheduler {
  private readonly sem: Semaphore
  private peak = 0
  private started = 0

  /** Creates a scheduler allowing `limit` jobs at once, stopping when `signal` aborts. */
  constructor(
    readonly limit: number,
    private readonly signal?: AbortSignal,
  ) {
    this.sem = new Semaphore(limit)
  }

  /** Jobs running now. */
  get active(): number {
    return this.sem.active
  }

  /** Most jobs seen running at once. */
  get maxActive(): number {
    return this.peak
  }

  /** Jobs started so far. */
  get count(): number {
    return this.started
  }

  /** Whether the run was cancelled; no new job starts after that. */
  get stopped(): boolean {
    return this.signal?.aborted === true
  }

  /** Runs `job` when a slot is free; rejects with INTERRUPTED once the signal has aborted. */
  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.stopped) throw interrupted()
    let release: () => void
    try {
      release = await this.sem.acquire(this.signal)
    } catch (err) {
      throw this.stopped ? interrupted() : err
    }
    try {
      // The signal may have fired while we queued; do not start new work after it.
      if (this.stopped) throw interrupted()
      this.started++
      this.peak = Math.max(this.peak, this.sem.active)
      return await job()
    } finally {
      release()
    }
  }
}

function interrupted(): Error {
  return fail('INTERRUPTED', 'the run was interrupted', 'Finish it with `git momentum resume <runId>`.')
}
