import { afterEach, describe, expect, it } from 'vitest'
import { MomentumError } from '../../../src/errors/index.js'
import { type ModelServer, startModelServer } from '../../support/model-server.js'
import { ask, liveProvider, until } from './helpers.js'

let server: ModelServer | undefined

afterEach(async () => {
  await server?.close()
  server = undefined
})

describe('concurrency limit', () => {
  it('never has more than `concurrency` requests in flight', async () => {
    server = await startModelServer({ respond: () => ({ content: '{}' }), latencyMs: 60 })
    const { provider } = liveProvider(server.url, { concurrency: 3 })
    await Promise.all(Array.from({ length: 12 }, (_, i) => provider.chat(ask(`agent-${i}`))))
    expect(server.requests).toHaveLength(12)
    expect(server.maxInFlight).toBeLessThanOrEqual(3)
    expect(server.maxInFlight).toBe(3)
  })

  it('lets N siblings run at once when the limit is at least N', async () => {
    server = await startModelServer({ respond: () => ({ content: '{}' }), latencyMs: 300 })
    const { provider } = liveProvider(server.url, { concurrency: 8 })
    await Promise.all(Array.from({ length: 5 }, (_, i) => provider.chat(ask(`method-${i}`))))
    expect(server.maxInFlight).toBe(5)
  })

  it('frees the slot while a request backs off, so other agents keep going', async () => {
    server = await startModelServer({
      respond: ({ messages }) =>
        messages[1]?.content.includes('slow')
          ? { status: 429, headers: { 'retry-after-ms': '400' } }
          : { content: '{}' },
    })
    const { provider } = liveProvider(server.url, { concurrency: 1 })
    const order: string[] = []
    const slow = provider.chat(ask('slow-agent', 'slow one, JSON')).then(() => order.push('slow'))
    await until(() => server!.requests.length >= 1, 'the first request')
    const fast = provider.chat(ask('fast-agent', 'fast one, JSON')).then(() => order.push('fast'))
    // The slow agent keeps getting 429 with a long wait; the fast one must not queue behind its sleep.
    await fast
    expect(order).toEqual(['fast'])
    await expect(slow).rejects.toMatchObject({ code: 'MODEL_FAILED' })
    // With the slot held through the sleep, every slow retry would reach the server before the fast request.
    expect(server.requests.map((r) => (r.messages[1]?.content.includes('fast') ? 'fast' : 'slow'))).toEqual([
      'slow',
      'fast',
      'slow',
      'slow',
      'slow',
    ])
  })
})

describe('cancellation', () => {
  it('stops waiting for a hung request at once', async () => {
    server = await startModelServer({ respond: () => ({ hang: true }) })
    const { provider, retries } = liveProvider(server.url, { timeout_ms: 60_000 })
    const ac = new AbortController()
    const pending = provider.chat({ ...ask('a'), signal: ac.signal })
    await until(() => server!.requests.length === 1, 'the request to arrive')
    ac.abort(new Error('user pressed Ctrl-C'))
    const err = await pending.catch((e: unknown) => e)
    expect(err).toBeInstanceOf(MomentumError)
    expect(err).toMatchObject({ code: 'INTERRUPTED', data: { agentId: 'a' } })
    expect(retries).toEqual([])
    await until(() => server!.inFlight === 0, 'the server to see the socket close')
  })

  it('stops a backoff sleep at once', async () => {
    server = await startModelServer({ respond: () => ({ status: 429, headers: { 'retry-after': '60' } }) })
    const { provider, retries } = liveProvider(server.url, {}, { maxTotalWaitMs: 600_000 })
    const ac = new AbortController()
    const pending = provider.chat({ ...ask('a'), signal: ac.signal })
    await until(() => retries.length === 1, 'the first retry to be scheduled')
    ac.abort()
    await expect(pending).rejects.toMatchObject({ code: 'INTERRUPTED' })
    expect(server.requests).toHaveLength(1)
  })

  it('drops a request still queued for a slot, and the queue moves on', async () => {
    let release: (() => void) | undefined
    const gate = new Promise<void>((r) => {
      release = r
    })
    server = await startModelServer({
      respond: async () => {
        await gate
        return { content: '{}' }
      },
    })
    const { provider } = liveProvider(server.url, { concurrency: 1 })
    const first = provider.chat(ask('first'))
    await until(() => server!.requests.length === 1, 'the first request')
    const ac = new AbortController()
    const queued = provider.chat({ ...ask('queued'), signal: ac.signal })
    const third = provider.chat(ask('third'))
    ac.abort()
    await expect(queued).rejects.toMatchObject({ code: 'INTERRUPTED' })
    release!()
    await Promise.all([first, third])
    expect(server.requests.map((r) => r.messages[1]?.content)).toEqual([
      'Reply in JSON for first.',
      'Reply in JSON for third.',
    ])
  })

  it('refuses to start when the signal is already aborted', async () => {
    server = await startModelServer({ respond: () => ({ content: '{}' }) })
    const { provider } = liveProvider(server.url)
    await expect(provider.chat({ ...ask('a'), signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'INTERRUPTED',
    })
    expect(server.requests).toHaveLength(0)
  })
})
