import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { ModelConfigSchema } from '../../../src/config/schema.js'
import { askJson } from '../../../src/model/ask-json.js'
import { readCassette } from '../../../src/model/cassette.js'
import { createProvider } from '../../../src/model/create-provider.js'
import { type ModelServer, startModelServer } from '../../support/model-server.js'
import { ask, liveProvider } from './helpers.js'

let server: ModelServer | undefined
let repo: string

beforeEach(async () => {
  repo = await mkdtemp(join(tmpdir(), 'momentum-model-'))
})
afterEach(async () => {
  await server?.close()
  server = undefined
  await rm(repo, { recursive: true, force: true })
})

const Vote = z.object({ agent: z.string(), n: z.number() })

describe('record then replay', () => {
  it('replays a concurrent recording offline, matched by content', async () => {
    server = await startModelServer({
      model: 'recorded-model',
      respond: ({ messages, index }) => ({
        content: JSON.stringify({ agent: messages[1]?.content ?? '', n: index }),
        model: 'recorded-model-2025',
      }),
      latencyMs: 20,
    })
    const agents = Array.from({ length: 6 }, (_, i) => `src/app.py::C.m${i}`)
    const { provider: recorder } = liveProvider(
      server.url,
      { provider: 'record', cassette: '.momentum/test.cassette.json' },
      { repoRoot: repo },
    )
    const live = await Promise.all(agents.map((a) => askJson(recorder, ask(a), Vote)))
    await server.close()
    server = undefined

    const file = readCassette(join(repo, '.momentum/test.cassette.json'))
    expect(file?.entries).toHaveLength(6)
    expect(await readFile(join(repo, '.momentum/test.cassette.json'), 'utf8')).toContain('src/app.py::C.m5')

    const replay = createProvider(
      ModelConfigSchema.parse({
        provider: 'replay',
        cassette: '.momentum/test.cassette.json',
        model: 'ignored',
      }),
      { repoRoot: repo, env: {} },
    )
    expect(replay.model).toBe('recorded-model-2025')
    // Reverse order: replay must not depend on arrival order.
    const replayed = await Promise.all([...agents].reverse().map((a) => askJson(replay, ask(a), Vote)))
    expect(replayed.map((r) => r.value).reverse()).toEqual(live.map((r) => r.value))
    expect(replayed[0]!.reply.model).toBe('recorded-model-2025')
    expect(replayed[0]!.reply.usage).toEqual(live[5]!.reply.usage)

    const miss = await replay.chat(ask(agents[0]!, 'a prompt nobody recorded')).catch((e: unknown) => e)
    expect(miss).toMatchObject({ code: 'CASSETTE_MISS', data: { agentId: agents[0] } })
    expect((miss as Error).message).toContain('.momentum/test.cassette.json')
  })

  it('re-recording replaces the old reply for the same prompt', async () => {
    let answer = 'old'
    server = await startModelServer({ respond: () => ({ content: answer }) })
    const cfg = { provider: 'record', cassette: 'c.cassette.json' }
    await liveProvider(server.url, cfg, { repoRoot: repo }).provider.chat(ask('a'))
    answer = 'new'
    await liveProvider(server.url, cfg, { repoRoot: repo }).provider.chat(ask('a'))
    const replay = createProvider(
      ModelConfigSchema.parse({ provider: 'replay', cassette: 'c.cassette.json' }),
      {
        repoRoot: repo,
        env: {},
      },
    )
    expect((await replay.chat(ask('a'))).text).toBe('new')
    expect((await replay.chat(ask('a'))).text).toBe('new')
  })

  it('refuses a corrupt cassette before any request', async () => {
    await writeFile(join(repo, 'bad.json'), '{"version":1,"entries":"nope"}')
    for (const provider of ['replay', 'record'] as const) {
      expect(() =>
        createProvider(
          ModelConfigSchema.parse({ provider, cassette: 'bad.json', base_url: 'http://127.0.0.1:9/v1' }),
          {
            repoRoot: repo,
            env: {},
          },
        ),
      ).toThrowError(expect.objectContaining({ code: 'CASSETTE_INVALID' }))
    }
  })
})
