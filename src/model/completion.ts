import { z } from 'zod'
import type { ChatMessage, ChatReply } from './types.js'

/** The parts of an OpenAI chat completion we rely on; anything else in the body is ignored. */
export const CompletionSchema = z.object({
  model: z.string().optional(),
  choices: z
    .array(
      z.object({
        message: z.object({ content: z.string().nullish(), refusal: z.string().nullish() }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: z
    .object({ prompt_tokens: z.number().int().min(0), completion_tokens: z.number().int().min(0) })
    .partial()
    .nullish(),
})

/** Rough token estimate (4 UTF-8 bytes a token) for servers that report no usage. */
export function estimateTokens(text: string): number {
  return Math.ceil(Buffer.byteLength(text, 'utf8') / 4)
}

/**
 * Turns a parsed body into our reply, or null when it is not a chat completion at all.
 * A missing `content` becomes '' so the JSON check reports it as an invalid reply, not a crash.
 */
export function toChatReply(body: unknown, fallbackModel: string, messages: ChatMessage[]): ChatReply | null {
  const parsed = CompletionSchema.safeParse(body)
  if (!parsed.success) return null
  const c = parsed.data
  const choice = c.choices[0]!
  const text = choice.message.content ?? ''
  const u = c.usage
  const known = u?.prompt_tokens !== undefined && u?.completion_tokens !== undefined
  return {
    text,
    model: c.model && c.model.length > 0 ? c.model : fallbackModel,
    usage: known
      ? { promptTokens: u.prompt_tokens ?? 0, completionTokens: u.completion_tokens ?? 0 }
      : {
          promptTokens: messages.reduce((n, m) => n + estimateTokens(m.content), 0),
          completionTokens: estimateTokens(text),
          estimated: true,
        },
  }
}
