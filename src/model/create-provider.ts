import type { ModelConfig } from '../config/schema.js'
import { fail } from '../errors/index.js'
import { CassetteWriter, readCassette } from './cassette.js'
import { OpenAIProvider, type OpenAIProviderOptions } from './openai-provider.js'
import { RecordProvider } from './record-provider.js'
import { cassetteLabel, ReplayProvider } from './replay-provider.js'
import { resolveModelSettings } from './settings.js'
import type { ModelProvider } from './types.js'

/** Everything createProvider needs besides the config. */
export interface CreateProviderOptions extends OpenAIProviderOptions {
  repoRoot: string
  env: NodeJS.ProcessEnv
}

/**
 * Builds the provider the config asks for. Replay reads its cassette now (CASSETTE_MISS when absent,
 * CASSETTE_INVALID when malformed) so a bad cassette stops the run before any agent starts.
 * A live provider makes no request until the first chat.
 */
export function createProvider(config: ModelConfig, opts: CreateProviderOptions): ModelProvider {
  const settings = resolveModelSettings(config, opts)
  const label = cassetteLabel(settings.cassettePath, opts.repoRoot)
  switch (settings.provider) {
    case 'openai':
      return new OpenAIProvider(settings, opts)
    case 'replay': {
      const cassette = readCassette(settings.cassettePath, label)
      if (!cassette) {
        throw fail(
          'CASSETTE_MISS',
          `cassette ${label} does not exist`,
          'Record one with [model] provider = "record" and a live model, or set [model] cassette.',
          { cassette: label },
        )
      }
      return new ReplayProvider(cassette, label, settings.model)
    }
    case 'record': {
      const existing = readCassette(settings.cassettePath, label) ?? { version: 1, entries: [] }
      const writer = new CassetteWriter(settings.cassettePath, { ...existing, model: settings.model })
      return new RecordProvider(new OpenAIProvider(settings, opts), writer)
    }
  }
}
