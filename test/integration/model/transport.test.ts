import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { MomentumError } from '../../../src/errors/index.js'
import { askJson } from '../../../src/model/ask-json.js'
import { TokenLedger, withLedger } from '../../../src/model/ledger.js'
import { type ModelServer, type ServerReply, startModelServer } from '../../support/model-server.js'
import { ask, liveProvider } from './helpers.js'

const Vote = z.object({ relevance: z.number().min(0).max(1) })
let server: ModelServer | undefined

afterEach(async () => {
  await server?.close()
  server = undefined
})

/** Serves the scripted replies in order, then the last one forever. */
function script(...replies: ServerReply[]) {
  return ({ index }: { index: number }): ServerReply => replies[Math.min(index, replies.length - 1)]!
}

const ok: ServerReply = { content: '{"relevance": 0.75}' }

describe('model transport over real HTTP', () => {
  it('answers, validates the JSON and accounts tokens per agent and run', async () => {
    server = await startModelServer({
      respond: () => ({
        content: '```json\n{"relevance": 0.9}\n```',
        usage: { prompt_tokens: 42, completion_tokens: 7 },
      }),
    })
    const ledger = new TokenLedger()
    const { provider } = liveProvider(server.url, { temperature: 0.2, max_tokens: 256 })
    const p = withLedger(provider, ledger)
    const { value, reply } = await askJson(p, ask('pyproject.toml::project'), Vote)
    await askJson(p, ask('pyproject.toml::tool.pytest'), Vote)
    await askJson(p, ask('pyproject.toml::project', 'again, in JSON'), Vote)
    expect(value).toEqual({ relevance: 0.9 })
    expect(reply).toMatchObject({ model: 'test-model', usage: { promptTokens: 42, completionTokens: 7 } })
    expect(ledger.forAgent('pyproject.toml::project')).toMatchObject({
      promptTokens: 84,
      completionTokens: 14,
      requests: 2,
    })
    expect(ledger.total()).toMatchObject({ totalTokens: 147, requests: 3 })
    const body = server.requests[0]!.body
    expect(body).toMatchObject({
      model: 'test-model',
      temperature: 0.2,
      max_tokens: 256,
      response_format: { type: 'json_object' },
    })
    expect(server.requests[0]!.messages.map((m) => m.role)).toEqual(['system', 'user'])
    expect(server.requests[0]!.headers.authorization).toMatch(/^Bearer /)
  })

  it('estimates usage when the server reports none, and says so', async () => {
    server = await startModelServer({ respond: () => ({ content: '{"relevance": 1}', usage: null }) })
    const { provider } = liveProvider(server.url)
    const reply = await provider.chat(ask('a'))
    expect(reply.usage.estimated).toBe(true)
    expect(reply.usage.promptTokens).toBeGreaterThan(0)
  })

  it('survives 429 and honours Retry-After', async () => {
    server = await startModelServer({
      respond: script(
        { status: 429, headers: { 'retry-after-ms': '300' } },
        { status: 429, headers: { 'retry-after': '0' } },
        ok,
      ),
    })
    const { provider, retries } = liveProvider(server.url)
    const { value } = await askJson(provider, ask('a'), Vote)
    expect(value.relevance).toBe(0.75)
    expect(server.requests).toHaveLength(3)
    expect(retries.map((r) => [r.reason, r.status, r.delayMs])).toEqual([
      ['rate-limit', 429, 300],
      ['rate-limit', 429, 0],
    ])
    // Loose lower bound only: the second request cannot arrive before the server's delay.
    expect(server.requests[1]!.receivedAt - server.requests[0]!.receivedAt).toBeGreaterThanOrEqual(250)
  })

  it('gives up on a Retry-After longer than the total wait cap instead of sleeping', async () => {
    server = await startModelServer({
      respond: script({ status: 429, headers: { 'retry-after': '600' } }, ok),
    })
    const { provider } = liveProvider(server.url, {}, { maxTotalWaitMs: 1_000 })
    const err = await provider.chat(ask('a')).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'MODEL_FAILED', data: { reason: 'rate-limit', status: 429 } })
    expect((err as Error).message).toContain('600s')
    expect(server.requests).toHaveLength(1)
  })

  it('survives a 500, then succeeds', async () => {
    server = await startModelServer({ respond: script({ status: 500 }, { status: 503 }, ok) })
    const { provider, retries } = liveProvider(server.url)
    expect((await provider.chat(ask('a'))).text).toBe('{"relevance": 0.75}')
    expect(retries.map((r) => r.status)).toEqual([500, 503])
  })

  it('reports MODEL_FAILED after max_retries when the server keeps failing', async () => {
    server = await startModelServer({ respond: () => ({ status: 502 }) })
    const { provider } = liveProvider(server.url, { max_retries: 2 })
    const err = await provider.chat(ask('f::x')).catch((e: unknown) => e)
    expect(err).toMatchObject({
      code: 'MODEL_FAILED',
      data: { attempts: 3, reason: 'server', agentId: 'f::x' },
    })
    expect(server.requests).toHaveLength(3)
  })

  it('survives a request that times out', async () => {
    server = await startModelServer({ respond: script({ hang: true }, ok) })
    const { provider, retries } = liveProvider(server.url, { timeout_ms: 300 })
    expect((await provider.chat(ask('a'))).text).toContain('relevance')
    expect(retries.map((r) => r.reason)).toEqual(['timeout'])
    expect(server.requests).toHaveLength(2)
  })

  it('survives a closed connection', async () => {
    server = await startModelServer({ respond: script({ destroy: true }, ok) })
    const { provider, retries } = liveProvider(server.url)
    expect((await provider.chat(ask('a'))).text).toContain('relevance')
    expect(retries.map((r) => r.reason)).toEqual(['connection'])
  })

  it('retries a malformed response body and reports MODEL_FAILED when it never heals', async () => {
    server = await startModelServer({
      respond: script({ raw: '{"choices": [' }, { raw: '<html>oops</html>', contentType: 'text/html' }, ok),
    })
    const { provider, retries } = liveProvider(server.url)
    expect((await provider.chat(ask('a'))).text).toContain('relevance')
    expect(retries.map((r) => r.reason)).toEqual(['malformed', 'malformed'])
    await server.close()

    server = await startModelServer({ respond: () => ({ raw: '{"id": "x", "choices": [{"mess' }) })
    const again = liveProvider(server.url, { max_retries: 1 })
    const err = await again.provider.chat(ask('b')).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'MODEL_FAILED', data: { reason: 'malformed', attempts: 2 } })
  })

  it('turns a reply that is not the expected JSON into MODEL_REPLY_INVALID without transport retries', async () => {
    server = await startModelServer({ respond: () => ({ content: 'Sure! relevance is high.' }) })
    const { provider } = liveProvider(server.url)
    const err = await askJson(provider, ask('pyproject.toml::scripts'), Vote).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(MomentumError)
    expect(err).toMatchObject({ code: 'MODEL_REPLY_INVALID', data: { agentId: 'pyproject.toml::scripts' } })
    expect(server.requests).toHaveLength(1)

    server.requests.length = 0
    const wrong = await askJson(provider, ask('x'), z.object({ relevance: z.string() })).catch(
      (e: unknown) => e,
    )
    expect(wrong).toMatchObject({ code: 'MODEL_REPLY_INVALID' })
  })

  it('maps 401 to MODEL_AUTH at once', async () => {
    server = await startModelServer({
      respond: () => ({
        status: 401,
        body: { error: { message: 'Incorrect API key provided', type: 'invalid_request_error' } },
      }),
    })
    const { provider, retries } = liveProvider(server.url, { api_key_env: 'TEST_MODEL_KEY' })
    const err = await provider.chat(ask('a')).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'MODEL_AUTH', data: { status: 401, keyVar: 'TEST_MODEL_KEY' } })
    expect((err as MomentumError).hint).toContain('TEST_MODEL_KEY')
    expect((err as MomentumError).exitCode).toBe(42)
    expect(server.requests).toHaveLength(1)
    expect(retries).toEqual([])
  })

  it('maps a refused connection to MODEL_UNREACHABLE after retrying', async () => {
    const probe = await startModelServer({ respond: () => ok })
    const deadUrl = probe.url
    await probe.close()
    const { provider, retries } = liveProvider(deadUrl, { max_retries: 2 })
    const err = await provider.chat(ask('a')).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'MODEL_UNREACHABLE' })
    expect((err as Error).message).toContain(deadUrl)
    expect((err as MomentumError).hint).toContain('base_url')
    expect(retries).toHaveLength(2)
  })

  it('maps a port that fetch refuses outright (9, on its blocked list) to MODEL_UNREACHABLE', async () => {
    const { provider } = liveProvider('http://127.0.0.1:9/v1', { max_retries: 0 })
    const err = await provider.chat(ask('a')).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'MODEL_UNREACHABLE' })
    expect((err as Error).message).toContain('BAD_PORT')
  })

  it('drops response_format for a server that refuses it, and remembers', async () => {
    server = await startModelServer({
      respond: ({ body }) =>
        'response_format' in body
          ? {
              status: 400,
              body: {
                error: { message: "Unsupported parameter: 'response_format'", type: 'invalid_request_error' },
              },
            }
          : ok,
    })
    const { provider, retries } = liveProvider(server.url)
    await provider.chat(ask('a'))
    await provider.chat(ask('b'))
    expect(server.requests.map((r) => 'response_format' in r.body)).toEqual([true, false, false])
    expect(retries).toEqual([])
  })

  it('does not ask for JSON mode when no message mentions JSON', async () => {
    server = await startModelServer({ respond: () => ok })
    const { provider } = liveProvider(server.url)
    await provider.chat({
      agentId: 'a',
      purpose: 'edit',
      messages: [{ role: 'user', content: 'Write a method.' }],
    })
    expect(server.requests[0]!.body).not.toHaveProperty('response_format')
  })

  it('reports a plain 400 as MODEL_FAILED without retrying', async () => {
    server = await startModelServer({
      respond: () => ({
        status: 400,
        body: { error: { message: 'context length exceeded', type: 'invalid_request_error' } },
      }),
    })
    const { provider } = liveProvider(server.url)
    const err = await provider.chat(ask('a')).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'MODEL_FAILED', data: { status: 400 } })
    expect((err as Error).message).toContain('context length exceeded')
    expect(server.requests).toHaveLength(1)
  })

  it('serves GET /v1/models', async () => {
    server = await startModelServer({ respond: () => ok, model: 'served-model' })
    const res = await fetch(`${server.url}/models`)
    expect(await res.json()).toMatchObject({ data: [{ id: 'served-model' }] })
  })
})
