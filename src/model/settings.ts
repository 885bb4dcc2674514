import { isAbsolute, resolve } from 'node:path'
import type { ModelConfig } from '../config/schema.js'

/** Where requests go when neither the config nor OPENAI_BASE_URL names an endpoint. */
export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1'
/** Model used when neither the config nor OPENAI_MODEL names one. */
export const DEFAULT_MODEL = 'gpt-4o-mini'
/** Cassette used by record/replay when the config names none (repo-relative). */
export const DEFAULT_CASSETTE = '.momentum/model.cassette.json'
/** Sent as the key to servers that need none (vLLM, Ollama), since the client insists on one. */
export const DUMMY_API_KEY = 'sk-no-key-required'

/** The model config with every fallback applied: what the providers actually use. */
export interface ModelSettings {
  provider: ModelConfig['provider']
  baseURL: string
  model: string
  /** The key to send (a dummy when none is set). */
  apiKey: string
  /** The environment variable the key was looked up in, for hints. */
  keyVar: string
  /** True when no key was found in the environment. */
  keyMissing: boolean
  /** True when the endpoint is OpenAI's own, which always needs a real key. */
  isOpenAI: boolean
  organization: string | null
  project: string | null
  timeoutMs: number
  maxRetries: number
  concurrency: number
  temperature: number
  maxTokens: number
  /** Absolute path of the cassette file. */
  cassettePath: string
}

function nonEmpty(v: string | undefined): string | undefined {
  return v !== undefined && v.trim() !== '' ? v.trim() : undefined
}

/** Applies the documented fallbacks: config, then OPENAI_* variables, then built-in defaults. */
export function resolveModelSettings(
  config: ModelConfig,
  opts: { repoRoot: string; env: NodeJS.ProcessEnv },
): ModelSettings {
  const env = opts.env
  const baseURL = (config.base_url ?? nonEmpty(env.OPENAI_BASE_URL) ?? OPENAI_DEFAULT_BASE_URL).replace(
    /\/+$/,
    '',
  )
  const key = nonEmpty(env[config.api_key_env]) ?? nonEmpty(env.OPENAI_API_KEY)
  let host = ''
  try {
    host = new URL(baseURL).hostname
  } catch {
    host = ''
  }
  const cassette = config.cassette ?? DEFAULT_CASSETTE
  return {
    provider: config.provider,
    baseURL,
    model: config.model ?? nonEmpty(env.OPENAI_MODEL) ?? DEFAULT_MODEL,
    apiKey: key ?? DUMMY_API_KEY,
    keyVar: config.api_key_env,
    keyMissing: key === undefined,
    isOpenAI: host === 'api.openai.com',
    organization: nonEmpty(env.OPENAI_ORG_ID) ?? null,
    project: nonEmpty(env.OPENAI_PROJECT_ID) ?? null,
    timeoutMs: config.timeout_ms,
    maxRetries: config.max_retries,
    concurrency: config.concurrency,
    temperature: config.temperature,
    maxTokens: config.max_tokens,
    cassettePath: isAbsolute(cassette) ? cassette : resolve(opts.repoRoot, cassette),
  }
}
