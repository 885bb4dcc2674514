import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai'
import { parseRetryAfter } from './retry-after.js'

/** What one failed attempt means for the retry loop. */
export type AttemptFailure =
  | {
      kind: 'retry'
      reason: 'rate-limit' | 'server' | 'timeout' | 'connection' | 'malformed'
      /** Connection refused or name not resolved: the endpoint is not there at all. */
      unreachable: boolean
      status: number | null
      retryAfterMs: number | null
      message: string
    }
  | { kind: 'auth'; status: number; message: string }
  | { kind: 'rejected'; status: number | null; message: string }
  | { kind: 'cancelled' }

// BAD_PORT is ours: fetch refuses ports on its blocked list (9, 25, 6000 ...) with no system code.
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'BAD_PORT',
])

/** Walks an error's `cause` chain looking for a Node system error code. */
export function systemErrorCode(err: unknown): string | null {
  let cur: unknown = err
  for (let depth = 0; depth < 6 && cur && typeof cur === 'object'; depth++) {
    if ('code' in cur && typeof cur.code === 'string' && /^E[A-Z_]+$|^UND_ERR/.test(cur.code)) return cur.code
    if ('message' in cur && cur.message === 'bad port') return 'BAD_PORT'
    if ('errors' in cur && Array.isArray(cur.errors)) {
      // AggregateError from happy-eyeballs: any refused address is enough to say "unreachable".
      for (const e of cur.errors) {
        const code = systemErrorCode(e)
        if (code) return code
      }
    }
    cur = 'cause' in cur ? cur.cause : undefined
  }
  return null
}

/** A reply that arrived but cannot be used: retried like a server error. */
export function malformedReply(message: string): AttemptFailure {
  return { kind: 'retry', reason: 'malformed', unreachable: false, status: null, retryAfterMs: null, message }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}

/**
 * Sorts an error thrown by one attempt. `timedOut` and `cancelled` say which of our own signals
 * fired, because the client reports both as a user abort.
 */
export function classifyFailure(
  err: unknown,
  state: { timedOut: boolean; cancelled: boolean },
): AttemptFailure {
  if (state.cancelled) return { kind: 'cancelled' }
  const timeout = (message: string): AttemptFailure => ({
    kind: 'retry',
    reason: 'timeout',
    unreachable: false,
    status: null,
    retryAfterMs: null,
    message,
  })
  if (state.timedOut || err instanceof APIConnectionTimeoutError) return timeout('request timed out')
  if (err instanceof APIUserAbortError) return { kind: 'cancelled' }
  if (err instanceof APIConnectionError) {
    const code = systemErrorCode(err)
    return {
      kind: 'retry',
      reason: 'connection',
      unreachable: code !== null && UNREACHABLE_CODES.has(code),
      status: null,
      retryAfterMs: null,
      message: code ? `${messageOf(err)} (${code})` : messageOf(err),
    }
  }
  if (err instanceof APIError) {
    const status = typeof err.status === 'number' ? err.status : null
    const retryAfterMs = err.headers ? parseRetryAfter(err.headers) : null
    if (status === 401 || status === 403) return { kind: 'auth', status, message: messageOf(err) }
    if (status === 429 || status === 408 || status === 409 || (status !== null && status >= 500)) {
      const reason = status === 429 ? 'rate-limit' : 'server'
      return { kind: 'retry', reason, unreachable: false, status, retryAfterMs, message: messageOf(err) }
    }
    return { kind: 'rejected', status, message: messageOf(err) }
  }
  // Errors while reading the body come straight from fetch: a cut connection or a body that is not JSON.
  if (err instanceof SyntaxError) return malformedReply(`reply body is not valid JSON: ${messageOf(err)}`)
  if (err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')) {
    return timeout(messageOf(err))
  }
  if (err instanceof TypeError || systemErrorCode(err) !== null) {
    return {
      kind: 'retry',
      reason: 'connection',
      unreachable: false,
      status: null,
      retryAfterMs: null,
      message: messageOf(err),
    }
  }
  return { kind: 'rejected', status: null, message: messageOf(err) }
}
