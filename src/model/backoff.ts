/** How the provider spaces its retries. */
export interface RetryPolicy {
  /** Retries after the first attempt (config `max_retries`). */
  maxRetries: number
  /** First backoff step before jitter. */
  baseDelayMs: number
  /** Largest single computed backoff (a server's Retry-After may exceed it, within the total cap). */
  maxDelayMs: number
  /** Give up once the sum of all waits for one request would pass this. */
  maxTotalWaitMs: number
}

/** Defaults suited to hosted APIs; tests pass tiny values. */
export const DEFAULT_RETRY_POLICY: Omit<RetryPolicy, 'maxRetries'> = {
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  maxTotalWaitMs: 120_000,
}

/**
 * Delay before retry number `retry` (0-based). Exponential with "equal jitter": half the step is
 * fixed, half random, so concurrent agents that failed together do not retry together.
 * A server-given Retry-After wins over the computed step.
 */
export function backoffDelay(
  retry: number,
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>,
  retryAfterMs: number | null = null,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== null) return Math.max(0, retryAfterMs)
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry)
  return Math.round(step / 2 + random() * (step / 2))
}

/** Waits `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason)
      return
    }
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(signal?.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
