import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type CassetteEntry, CassetteWriter, cassetteKey, readCassette } from '../../../src/model/cassette.js'
import { ReplayProvider } from '../../../src/model/replay-provider.js'
import type { ChatMessage } from '../../../src/model/types.js'

const sys: ChatMessage = { role: 'system', content: 'You are the [project] table.' }
const user = (c: string): ChatMessage => ({ role: 'user', content: c })

function entry(
  agentId: string,
  messages: ChatMessage[],
  reply: string,
  purpose: CassetteEntry['purpose'] = 'vote',
) {
  return {
    key: cassetteKey(purpose, messages),
    agentId,
    purpose,
    messages,
    reply,
    model: 'rec-model',
    usage: { promptTokens: 3, completionTokens: 1 },
  }
}

describe('cassetteKey', () => {
  it('is stable and depends on purpose and every message', () => {
    const k = cassetteKey('vote', [sys, user('add requests')])
    expect(k).toMatch(/^[0-9a-f]{64}$/)
    expect(cassetteKey('vote', [sys, user('add requests')])).toBe(k)
    expect(cassetteKey('edit', [sys, user('add requests')])).not.toBe(k)
    expect(cassetteKey('vote', [sys, user('add requests ')])).not.toBe(k)
    expect(cassetteKey('vote', [{ role: 'user', content: sys.content }, user('add requests')])).not.toBe(k)
    expect(cassetteKey('vote', [user('add requests'), sys])).not.toBe(k)
  })

  it('cannot be fooled by content that looks like a separator', () => {
    expect(cassetteKey('vote', [user('a","b')])).not.toBe(cassetteKey('vote', [user('a'), user('b')]))
  })
})

describe('ReplayProvider', () => {
  const cassette = {
    version: 1 as const,
    model: 'rec-model',
    entries: [
      entry('f::A', [sys, user('one')], 'first'),
      entry('f::B', [sys, user('two')], 'second'),
      entry('f::A', [sys, user('one')], 'first-again'),
    ],
  }

  it('matches by content, not by order, and reports the recorded model', async () => {
    const p = new ReplayProvider(cassette, 'c.json', 'fallback')
    expect(p.model).toBe('rec-model')
    const b = await p.chat({ agentId: 'f::B', purpose: 'vote', messages: [sys, user('two')] })
    expect(b.text).toBe('second')
    expect(b.model).toBe('rec-model')
    expect(b.usage).toEqual({ promptTokens: 3, completionTokens: 1 })
  })

  it('serves repeated identical requests in recording order, then repeats the last', async () => {
    const p = new ReplayProvider(cassette, 'c.json', 'fallback')
    const ask = () => p.chat({ agentId: 'renamed', purpose: 'vote', messages: [sys, user('one')] })
    expect((await ask()).text).toBe('first')
    expect((await ask()).text).toBe('first-again')
    expect((await ask()).text).toBe('first-again')
  })

  it('throws CASSETTE_MISS naming the agent and where its prompt changed', async () => {
    const p = new ReplayProvider(cassette, 'c.json', 'fallback')
    const err = await p
      .chat({ agentId: 'f::A', purpose: 'vote', messages: [sys, user('one, changed')] })
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'CASSETTE_MISS' })
    expect((err as Error).message).toContain('f::A')
    expect((err as Error).message).toContain('message 1')
    expect(err).toHaveProperty('hint', expect.stringContaining('provider = "record"'))
  })
})

describe('readCassette and CassetteWriter', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'momentum-cassette-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('returns null for a missing file', () => {
    expect(readCassette(join(dir, 'none.json'))).toBeNull()
  })

  it('rejects malformed JSON and wrong shapes with CASSETTE_INVALID', async () => {
    const bad = join(dir, 'bad.json')
    await writeFile(bad, '{"version": 1, "entries": [')
    expect(() => readCassette(bad, 'bad.json')).toThrowError(
      expect.objectContaining({ code: 'CASSETTE_INVALID' }),
    )
    await writeFile(bad, JSON.stringify({ version: 1, entries: [{ agentId: 'x' }] }))
    expect(() => readCassette(bad, 'bad.json')).toThrowError(/entries\.0/)
    await writeFile(bad, JSON.stringify({ version: 2, entries: [] }))
    expect(() => readCassette(bad, 'bad.json')).toThrowError(
      expect.objectContaining({ code: 'CASSETTE_INVALID' }),
    )
  })

  it('writes every concurrent append, atomically, leaving no temp files', async () => {
    const path = join(dir, 'sub', 'rec.cassette.json')
    const w = new CassetteWriter(path, { version: 1, entries: [] })
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => w.append(entry(`a${i}`, [user(`prompt ${i}`)], `reply ${i}`))),
    )
    const back = readCassette(path)
    expect(back?.entries).toHaveLength(40)
    expect(new Set(back?.entries.map((e) => e.agentId)).size).toBe(40)
    expect((await readdir(join(dir, 'sub'))).filter((f) => f.endsWith('.tmp'))).toEqual([])
    expect(await readFile(path, 'utf8')).toMatch(/\n$/)
  })

  it('forget() drops an older recording and later appends are still written', async () => {
    const path = join(dir, 'rec.json')
    const w = new CassetteWriter(path, { version: 1, entries: [] })
    await w.append(entry('a', [user('p')], 'old'))
    await w.append(entry('b', [user('q')], 'keep'))
    w.forget(cassetteKey('vote', [user('p')]))
    await w.append(entry('a', [user('p')], 'new'))
    expect(readCassette(path)?.entries.map((e) => e.reply)).toEqual(['keep', 'new'])
  })
})
