import OpenAI from 'openai'
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions'
import { fail, type MomentumError } from '../errors/index.js'
import { backoffDelay, DEFAULT_RETRY_POLICY, type RetryPolicy, sleep } from './backoff.js'
import { type AttemptFailure, classifyFailure, malformedReply } from './classify.js'
import { toChatReply } from './completion.js'
import { Semaphore } from './semaphore.js'
import type { ModelSettings } from './settings.js'
import type { ChatReply, ChatRequest, ModelProvider } from './types.js'

/** Request parameters some OpenAI-compatible servers refuse; each is dropped or renamed once, then remembered. */
export type CompatDowngrade = 'response_format' | 'max_tokens' | 'temperature'

/** One retry, reported to an optional observer (run log, live tree). */
export interface RetryEvent {
  agentId: string
  retry: number
  reason: string
  status: number | null
  delayMs: number
}

/** Knobs beyond the config: tests shrink the backoff, the orchestrator may share a semaphore. */
export interface OpenAIProviderOptions {
  retry?: Partial<Omit<RetryPolicy, 'maxRetries'>>
  semaphore?: Semaphore
  random?: () => number
  onRetry?: (event: RetryEvent) => void
}

/** Live provider: the `openai` client over HTTP, with our own retry loop, timeouts and concurrency cap. */
export class OpenAIProvider implements ModelProvider {
  readonly model: string
  /** Bounds requests in flight across every agent using this provider. */
  readonly semaphore: Semaphore
  private readonly client: OpenAI
  private readonly policy: RetryPolicy
  private readonly downgrades = new Set<CompatDowngrade>()

  /** Builds the client; no request is made until the first `chat`. */
  constructor(
    readonly settings: ModelSettings,
    private readonly opts: OpenAIProviderOptions = {},
  ) {
    this.model = settings.model
    this.semaphore = opts.semaphore ?? new Semaphore(settings.concurrency)
    this.policy = { ...DEFAULT_RETRY_POLICY, ...opts.retry, maxRetries: settings.maxRetries }
    this.client = new OpenAI({
      apiKey: settings.apiKey,
      baseURL: settings.baseURL,
      organization: settings.organization,
      project: settings.project,
      // Retries are ours (testable, Retry-After aware, cancellable); the client must not add its own.
      maxRetries: 0,
      timeout: settings.timeoutMs,
      // The library never prints; errors come back to us as values.
      logLevel: 'off',
    })
  }

  /** Parameters currently being left out or renamed for this server. */
  get compat(): CompatDowngrade[] {
    return [...this.downgrades]
  }

  /** Sends one request, retrying transient failures; throws a typed MomentumError otherwise. */
  async chat(req: ChatRequest): Promise<ChatReply> {
    const s = this.settings
    if (s.isOpenAI && s.keyMissing) {
      throw fail(
        'MODEL_AUTH',
        `no API key for ${s.baseURL}: ${s.keyVar} is not set`,
        `Export ${s.keyVar}=<your key>, or point [model] base_url at a local server, or use provider = "replay".`,
        { baseURL: s.baseURL, keyVar: s.keyVar, agentId: req.agentId },
      )
    }
    let waited = 0
    let last: AttemptFailure | null = null
    for (let retry = 0; retry <= this.policy.maxRetries; retry++) {
      if (retry > 0 && last?.kind === 'retry') {
        const delay = backoffDelay(retry - 1, this.policy, last.retryAfterMs, this.opts.random)
        if (waited + delay > this.policy.maxTotalWaitMs) throw this.exhausted(req, last, retry, delay)
        this.opts.onRetry?.({
          agentId: req.agentId,
          retry,
          reason: last.reason,
          status: last.status,
          delayMs: delay,
        })
        try {
          await sleep(delay, req.signal)
        } catch (err) {
          throw cancelled(req, err)
        }
        waited += delay
      }
      const outcome = await this.semaphore
        .run(() => this.attempt(req), req.signal)
        .catch((err: unknown) => {
          throw req.signal?.aborted ? cancelled(req, err) : err
        })
      if ('text' in outcome) return outcome
      last = outcome
      if (last.kind === 'cancelled') throw cancelled(req, req.signal?.reason)
      if (last.kind === 'auth') throw this.authError(req, last)
      if (last.kind === 'rejected') throw this.rejected(req, last)
    }
    if (last?.kind !== 'retry')
      throw fail('INTERNAL', 'retry loop ended without a failure', 'Report this bug.')
    throw this.exhausted(req, last, this.policy.maxRetries + 1, 0)
  }

  /** One HTTP round trip, plus immediate re-sends while the server refuses optional parameters. */
  private async attempt(req: ChatRequest): Promise<ChatReply | AttemptFailure> {
    for (;;) {
      const timeout = AbortSignal.timeout(this.settings.timeoutMs)
      const signal = req.signal ? AbortSignal.any([req.signal, timeout]) : timeout
      try {
        const body = await this.client.chat.completions.create(this.params(req), { signal })
        const reply = toChatReply(body, this.model, req.messages)
        if (reply) return reply
        return malformedReply('reply is not a chat completion (no choices[0].message)')
      } catch (err) {
        const failure = classifyFailure(err, {
          timedOut: timeout.aborted,
          cancelled: req.signal?.aborted === true,
        })
        const downgrade = failure.kind === 'rejected' ? this.downgradeFor(failure) : null
        if (!downgrade) return failure
        this.downgrades.add(downgrade)
      }
    }
  }

  private params(req: ChatRequest): ChatCompletionCreateParamsNonStreaming {
    const s = this.settings
    const p: ChatCompletionCreateParamsNonStreaming = { model: s.model, messages: req.messages }
    if (!this.downgrades.has('temperature')) p.temperature = s.temperature
    if (this.downgrades.has('max_tokens')) p.max_completion_tokens = s.maxTokens
    else p.max_tokens = s.maxTokens
    // OpenAI rejects JSON mode unless a message mentions JSON, so only ask for it when the prompt does.
    const wantsJson = req.messages.some((m) => /json/i.test(m.content))
    if (wantsJson && !this.downgrades.has('response_format')) p.response_format = { type: 'json_object' }
    return p
  }

  private downgradeFor(f: Extract<AttemptFailure, { kind: 'rejected' }>): CompatDowngrade | null {
    if (f.status !== 400 && f.status !== 422) return null
    const m = f.message
    if (/response_format|json_object/i.test(m) && !this.downgrades.has('response_format'))
      return 'response_format'
    if (/max_completion_tokens/.test(m) && !this.downgrades.has('max_tokens')) return 'max_tokens'
    if (/temperature/i.test(m) && !this.downgrades.has('temperature')) return 'temperature'
    return null
  }

  private authError(req: ChatRequest, f: Extract<AttemptFailure, { kind: 'auth' }>): MomentumError {
    const s = this.settings
    return fail(
      'MODEL_AUTH',
      `${s.baseURL} refused the API key (HTTP ${f.status})`,
      s.keyMissing
        ? `Set ${s.keyVar} to a valid key for this server (none is set now).`
        : `Check the key in ${s.keyVar} (or change [model] api_key_env in .momentum/config.toml).`,
      { baseURL: s.baseURL, keyVar: s.keyVar, status: f.status, agentId: req.agentId },
    )
  }

  private rejected(req: ChatRequest, f: Extract<AttemptFailure, { kind: 'rejected' }>): MomentumError {
    const s = this.settings
    const hint =
      f.status === 404
        ? `Check [model] base_url (usually ends in /v1; now ${s.baseURL}) and that model "${s.model}" exists there.`
        : 'The server refused the request; check [model] model and max_tokens in .momentum/config.toml.'
    return fail(
      'MODEL_FAILED',
      `model request for ${req.agentId} refused${f.status ? ` (HTTP ${f.status})` : ''}: ${short(f.message)}`,
      hint,
      { baseURL: s.baseURL, status: f.status, agentId: req.agentId, purpose: req.purpose },
    )
  }

  private exhausted(
    req: ChatRequest,
    f: Extract<AttemptFailure, { kind: 'retry' }>,
    attempts: number,
    nextDelay: number,
  ): MomentumError {
    const s = this.settings
    const data = {
      baseURL: s.baseURL,
      agentId: req.agentId,
      purpose: req.purpose,
      attempts,
      reason: f.reason,
      status: f.status,
    }
    if (f.unreachable) {
      return fail(
        'MODEL_UNREACHABLE',
        `cannot reach the model server at ${s.baseURL} (${short(f.message)})`,
        'Start the server or fix [model] base_url / OPENAI_BASE_URL; to work offline use provider = "replay".',
        data,
      )
    }
    const why = nextDelay > 0 ? `; the server asked to wait ${Math.ceil(nextDelay / 1000)}s more` : ''
    const hint =
      f.reason === 'rate-limit'
        ? 'The server is rate limiting; lower [model] concurrency or raise max_retries.'
        : f.reason === 'timeout'
          ? 'Raise [model] timeout_ms, or lower max_tokens / concurrency.'
          : 'The server kept failing; check its logs, or raise [model] max_retries.'
    return fail(
      'MODEL_FAILED',
      `model request for ${req.agentId} failed after ${attempts} attempt(s): ${f.reason} (${short(f.message)})${why}`,
      hint,
      data,
    )
  }
}

function cancelled(req: ChatRequest, reason: unknown): MomentumError {
  return fail(
    'INTERRUPTED',
    `model request for ${req.agentId} cancelled`,
    'The run was cancelled; resume it with `git momentum resume <run>`.',
    { agentId: req.agentId },
    reason,
  )
}

function short(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim()
  return one.length > 200 ? `${one.slice(0, 200)}…` : one
}
