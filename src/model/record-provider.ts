import { type CassetteWriter, cassetteKey } from './cassette.js'
import type { ChatReply, ChatRequest, ModelProvider } from './types.js'

/** Live provider that also saves every exchange to a cassette, for later offline replay. */
export class RecordProvider implements ModelProvider {
  private readonly replacedThisSession = new Set<string>()

  /** Wraps `live`; `writer` is the cassette's only writer. */
  constructor(
    private readonly live: ModelProvider,
    private readonly writer: CassetteWriter,
  ) {}

  /** The live model's name. */
  get model(): string {
    return this.live.model
  }

  /** Asks the live model, then appends the exchange; resolves once the cassette is on disk. */
  async chat(req: ChatRequest): Promise<ChatReply> {
    const reply = await this.live.chat(req)
    const key = cassetteKey(req.purpose, req.messages)
    // Re-recording replaces what an earlier session recorded for the same prompt, but keeps
    // repeated identical prompts from this session in order.
    if (!this.replacedThisSession.has(key)) {
      this.replacedThisSession.add(key)
      this.writer.forget(key)
    }
    await this.writer.append({
      key,
      agentId: req.agentId,
      purpose: req.purpose,
      messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
      reply: reply.text,
      model: reply.model,
      usage: { ...reply.usage },
    })
    return reply
  }
}
