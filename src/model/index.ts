/** The model layer: live OpenAI-compatible provider, record/replay cassettes, JSON replies, token ledger. */
export { askJson, excerpt, extractJson, type JsonExtraction } from './ask-json.js'
export { backoffDelay, DEFAULT_RETRY_POLICY, type RetryPolicy, sleep } from './backoff.js'
export {
  type Cassette,
  type CassetteEntry,
  CassetteEntrySchema,
  CassetteSchema,
  CassetteWriter,
  cassetteKey,
  indexCassette,
  readCassette,
  writeFileAtomic,
} from './cassette.js'
export { type AttemptFailure, classifyFailure } from './classify.js'
export { type CreateProviderOptions, createProvider } from './create-provider.js'
export { TokenLedger, type TokenTotals, withLedger } from './ledger.js'
export {
  type CompatDowngrade,
  OpenAIProvider,
  type OpenAIProviderOptions,
  type RetryEvent,
} from './openai-provider.js'
export { RecordProvider } from './record-provider.js'
export { ReplayProvider } from './replay-provider.js'
export { parseRetryAfter } from './retry-after.js'
export { Semaphore } from './semaphore.js'
export { DEFAULT_CASSETTE, type ModelSettings, resolveModelSettings } from './settings.js'
export type { ChatMessage, ChatPurpose, ChatReply, ChatRequest, ChatUsage, ModelProvider } from './types.js'
