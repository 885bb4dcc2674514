import { ModelConfigSchema } from '../../../src/config/schema.js'
import { createProvider } from '../../../src/model/create-provider.js'
import type { RetryEvent } from '../../../src/model/openai-provider.js'
import type { ChatRequest, ModelProvider } from '../../../src/model/types.js'

/** A provider against the scripted server with tiny backoff steps, recording each retry. */
export function liveProvider(
  url: string,
  config: Record<string, unknown> = {},
  extra: { repoRoot?: string; maxTotalWaitMs?: number } = {},
): { provider: ModelProvider; retries: RetryEvent[] } {
  const retries: RetryEvent[] = []
  const provider = createProvider(
    ModelConfigSchema.parse({
      base_url: url,
      model: 'test-model',
      timeout_ms: 5_000,
      max_retries: 3,
      ...config,
    }),
    {
      repoRoot: extra.repoRoot ?? process.cwd(),
      env: {},
      retry: { baseDelayMs: 5, maxDelayMs: 20, maxTotalWaitMs: extra.maxTotalWaitMs ?? 30_000 },
      onRetry: (e) => retries.push(e),
    },
  )
  return { provider, retries }
}

/** A one-message request asking for JSON. */
export function ask(agentId: string, prompt = `Reply in JSON for ${agentId}.`): ChatRequest {
  return {
    agentId,
    purpose: 'vote',
    messages: [
      { role: 'system', content: 'You are a node agent. Answer with a JSON object.' },
      { role: 'user', content: prompt },
    ],
  }
}

/** Waits until `cond` holds (polling), for things that happen on the server side. */
export async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 5))
  }
}
