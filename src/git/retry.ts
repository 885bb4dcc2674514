/**
 * Retry when git reports a lock held by another process. CAS failures ("is at X but expected Y",
 * "reference already exists") are real answers, not contention, so they are never retried.
 */

const LOCK_PATTERNS: RegExp[] = [
  /Unable to create '[^']*\.lock': File exists/i,
  /could not lock config file/i,
  /Another git process seems to be running/i,
  /cannot lock ref '[^']*': Unable to create/i,
  /unable to lock [^\n]*\.lock/i,
  // `worktree add` scans its siblings' admin dirs; one still being written by a concurrent add
  // reads as empty ("failed to read .../commondir: Success"). It is complete a moment later.
  /failed to read [^\n]*\/worktrees\/[^\n]*\/(commondir|gitdir|HEAD)/i,
]

/** True when stderr says a lock file is held by someone else. */
export function isLockContention(stderr: string): boolean {
  return LOCK_PATTERNS.some((re) => re.test(stderr))
}

/** Backoff policy: exponential from `baseMs`, capped at `maxMs`, full jitter, `attempts` tries in all. */
export interface BackoffPolicy {
  attempts: number
  baseMs: number
  maxMs: number
}

/** The default: about 5 s of waiting at most before giving up. */
export const DEFAULT_BACKOFF: BackoffPolicy = { attempts: 10, baseMs: 15, maxMs: 1000 }

/** Delay before retry number `retry` (0-based), given a random number in [0, 1). */
export function backoffDelay(policy: BackoffPolicy, retry: number, random: number): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** retry)
  // Half fixed, half jitter: spreads retries of many waiters without ever retrying instantly.
  return Math.round(ceiling / 2 + (ceiling / 2) * random)
}

/** Hooks so the loop can be tested without real time. */
export interface RetryDeps {
  sleep: (ms: number) => Promise<void>
  random: () => number
  onRetry?: (retry: number, delayMs: number, stderr: string) => void
}

const realDeps: RetryDeps = {
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
}

/** Outcome of one attempt as the retry loop sees it. */
export type Attempt<T> = { ok: true; value: T } | { ok: false; stderr: string; error: unknown }

/** Runs `once` until it succeeds, fails for a reason other than lock contention, or attempts run out. */
export async function withLockRetry<T>(
  once: () => Promise<Attempt<T>>,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  deps: RetryDeps = realDeps,
): Promise<T> {
  for (let retry = 0; ; retry++) {
    const result = await once()
    if (result.ok) return result.value
    if (retry + 1 >= policy.attempts || !isLockContention(result.stderr)) throw result.error
    const delay = backoffDelay(policy, retry, deps.random())
    deps.onRetry?.(retry, delay, result.stderr)
    await deps.sleep(delay)
  }
}
