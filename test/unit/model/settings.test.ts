import { describe, expect, it } from 'vitest'
import { ModelConfigSchema } from '../../../src/config/schema.js'
import { createProvider } from '../../../src/model/create-provider.js'
import { DUMMY_API_KEY, resolveModelSettings } from '../../../src/model/settings.js'

const cfg = (o: Record<string, unknown> = {}) => ModelConfigSchema.parse(o)
const root = '/repo'

describe('resolveModelSettings', () => {
  it('uses the config first', () => {
    const s = resolveModelSettings(cfg({ base_url: 'http://h:1/v1/', model: 'm1', api_key_env: 'MY_KEY' }), {
      repoRoot: root,
      env: { MY_KEY: 'k1', OPENAI_BASE_URL: 'http://other/v1', OPENAI_MODEL: 'm2', OPENAI_API_KEY: 'k2' },
    })
    expect(s).toMatchObject({
      baseURL: 'http://h:1/v1',
      model: 'm1',
      apiKey: 'k1',
      keyVar: 'MY_KEY',
      keyMissing: false,
    })
  })

  it('falls back to OPENAI_* variables, then defaults', () => {
    const s = resolveModelSettings(cfg(), {
      repoRoot: root,
      env: { OPENAI_BASE_URL: 'http://local:8000/v1', OPENAI_MODEL: 'qwen', OPENAI_API_KEY: 'sk' },
    })
    expect(s).toMatchObject({ baseURL: 'http://local:8000/v1', model: 'qwen', apiKey: 'sk', isOpenAI: false })
    const d = resolveModelSettings(cfg(), { repoRoot: root, env: {} })
    expect(d).toMatchObject({
      baseURL: 'https://api.openai.com/v1',
      model: 'gpt-4o-mini',
      isOpenAI: true,
      keyMissing: true,
      apiKey: DUMMY_API_KEY,
    })
  })

  it('reads OPENAI_API_KEY when the named variable is unset, and ignores blank values', () => {
    const s = resolveModelSettings(cfg({ api_key_env: 'MY_KEY' }), {
      repoRoot: root,
      env: { MY_KEY: '  ', OPENAI_API_KEY: 'sk-x' },
    })
    expect(s.apiKey).toBe('sk-x')
  })

  it('resolves the cassette against the repo root unless absolute', () => {
    expect(
      resolveModelSettings(cfg({ cassette: 'demo/c.json' }), { repoRoot: root, env: {} }).cassettePath,
    ).toBe('/repo/demo/c.json')
    expect(
      resolveModelSettings(cfg({ cassette: '/abs/c.json' }), { repoRoot: root, env: {} }).cassettePath,
    ).toBe('/abs/c.json')
  })
})

describe('createProvider', () => {
  it('refuses api.openai.com without a key, before any network traffic', async () => {
    const p = createProvider(cfg(), { repoRoot: root, env: {} })
    const err = await p.chat({ agentId: 'a', purpose: 'vote', messages: [] }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'MODEL_AUTH' })
    expect(err).toHaveProperty('hint', expect.stringContaining('OPENAI_API_KEY'))
  })

  it('says how to record when the replay cassette is missing', () => {
    expect(() =>
      createProvider(cfg({ provider: 'replay', cassette: 'nope.json' }), {
        repoRoot: '/nonexistent',
        env: {},
      }),
    ).toThrowError(
      expect.objectContaining({ code: 'CASSETTE_MISS', message: expect.stringContaining('nope.json') }),
    )
  })
})
