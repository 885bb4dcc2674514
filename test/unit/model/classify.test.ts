import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai'
import { describe, expect, it } from 'vitest'
import { classifyFailure } from '../../../src/model/classify.js'

const idle = { timedOut: false, cancelled: false }
const apiError = (status: number, headers: Record<string, string> = {}) =>
  APIError.generate(status, { message: `status ${status}` }, undefined, new Headers(headers))

describe('classifyFailure', () => {
  it('retries 429 with the server delay, and 5xx/408', () => {
    expect(classifyFailure(apiError(429, { 'retry-after': '2' }), idle)).toMatchObject({
      kind: 'retry',
      reason: 'rate-limit',
      retryAfterMs: 2000,
      status: 429,
    })
    for (const s of [500, 502, 503, 408]) {
      expect(classifyFailure(apiError(s), idle)).toMatchObject({ kind: 'retry', reason: 'server', status: s })
    }
  })

  it('stops at once on 401/403 and on other 4xx', () => {
    expect(classifyFailure(apiError(401), idle)).toMatchObject({ kind: 'auth', status: 401 })
    expect(classifyFailure(apiError(403), idle)).toMatchObject({ kind: 'auth', status: 403 })
    expect(classifyFailure(apiError(400), idle)).toMatchObject({ kind: 'rejected', status: 400 })
    expect(classifyFailure(apiError(404), idle)).toMatchObject({ kind: 'rejected', status: 404 })
  })

  it('tells refused connections (unreachable) from resets', () => {
    const refused = new APIConnectionError({
      cause: Object.assign(new TypeError('fetch failed'), {
        cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }),
      }),
    })
    expect(classifyFailure(refused, idle)).toMatchObject({
      kind: 'retry',
      reason: 'connection',
      unreachable: true,
    })
    const reset = new APIConnectionError({
      cause: Object.assign(new TypeError('fetch failed'), {
        cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
      }),
    })
    expect(classifyFailure(reset, idle)).toMatchObject({
      kind: 'retry',
      reason: 'connection',
      unreachable: false,
    })
  })

  it('uses our own signals to tell a timeout from a cancellation', () => {
    const abort = new APIUserAbortError()
    expect(classifyFailure(abort, { timedOut: true, cancelled: false })).toMatchObject({ reason: 'timeout' })
    expect(classifyFailure(abort, { timedOut: false, cancelled: true })).toEqual({ kind: 'cancelled' })
    expect(classifyFailure(abort, { timedOut: true, cancelled: true })).toEqual({ kind: 'cancelled' })
    expect(classifyFailure(new APIConnectionTimeoutError(), idle)).toMatchObject({ reason: 'timeout' })
  })

  it('treats a body that is not JSON as a retryable malformed reply', () => {
    expect(classifyFailure(new SyntaxError('Unexpected token'), idle)).toMatchObject({
      kind: 'retry',
      reason: 'malformed',
    })
  })

  it('does not retry unknown programming errors', () => {
    expect(classifyFailure(new RangeError('bug'), idle)).toMatchObject({ kind: 'rejected' })
  })
})
