import { fail } from '../errors/index.js'

interface Waiter {
  grant: () => void
}

/**
 * A fair (FIFO) counting semaphore. Waiters are served in arrival order so that no agent
 * starves behind later ones; a waiter whose signal aborts leaves the queue at once.
 */
export class Semaphore {
  private available: number
  private readonly queue: Waiter[] = []

  /** Creates a semaphore allowing `limit` holders at once. */
  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw fail('INTERNAL', `semaphore limit must be a positive integer, got ${limit}`, 'Fix the caller.')
    }
    this.available = limit
  }

  /** Holders right now. */
  get active(): number {
    return this.limit - this.available
  }

  /** Callers waiting for a slot. */
  get waiting(): number {
    return this.queue.length
  }

  /** Waits for a slot; resolves to a release function that is safe to call more than once. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(abortError(signal))
    if (this.available > 0 && this.queue.length === 0) {
      this.available--
      return Promise.resolve(this.releaser())
    }
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        const at = this.queue.indexOf(waiter)
        if (at >= 0) this.queue.splice(at, 1)
        reject(abortError(signal))
      }
      const waiter: Waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort)
          resolve(this.releaser())
        },
      }
      this.queue.push(waiter)
      signal?.addEventListener('abort', onAbort, { once: true })
    })
  }

  /** Runs `fn` while holding a slot. */
  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const release = await this.acquire(signal)
    try {
      return await fn()
    } finally {
      release()
    }
  }

  private releaser(): () => void {
    let done = false
    return () => {
      if (done) return
      done = true
      // Hand the slot straight to the next waiter so a newcomer cannot jump the queue.
      const next = this.queue.shift()
      if (next) next.grant()
      else this.available++
    }
  }
}

function abortError(signal: AbortSignal | undefined): Error {
  return fail(
    'INTERRUPTED',
    'cancelled while waiting for a model slot',
    'The run was cancelled.',
    {},
    signal?.reason,
  )
}
