import type { z } from 'zod'
import { fail } from '../errors/index.js'
import type { ChatReply, ChatRequest, ModelProvider } from './types.js'

/** Why a reply's text yielded no JSON value. */
export type JsonExtraction = { ok: true; value: unknown } | { ok: false; error: string }

const FENCE = /```[ \t]*([A-Za-z0-9_-]*)[ \t]*\r?\n([\s\S]*?)\r?\n?[ \t]*```/g

function tryParse(text: string): JsonExtraction {
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) }
  }
}

/**
 * Pulls one JSON value out of a model's text: the whole text, else the first ```json (or bare ```)
 * fence, else the outermost {...} span. Models wrap JSON in prose and fences even when told not to.
 */
export function extractJson(text: string): JsonExtraction {
  const trimmed = text.trim()
  if (trimmed === '') return { ok: false, error: 'the reply is empty' }
  const whole = tryParse(trimmed)
  if (whole.ok) return whole
  const fences = [...trimmed.matchAll(FENCE)]
  const ranked = [
    ...fences.filter((m) => (m[1] ?? '').toLowerCase() === 'json'),
    ...fences.filter((m) => (m[1] ?? '').toLowerCase() !== 'json'),
  ]
  for (const m of ranked) {
    const inner = tryParse((m[2] ?? '').trim())
    if (inner.ok) return inner
  }
  const open = trimmed.indexOf('{')
  const close = trimmed.lastIndexOf('}')
  if (open >= 0 && close > open) {
    const span = tryParse(trimmed.slice(open, close + 1))
    if (span.ok) return span
  }
  return { ok: false, error: whole.error }
}

/** A short, single-line excerpt of a reply for error messages. */
export function excerpt(text: string, max = 160): string {
  const one = text.replace(/\s+/g, ' ').trim()
  return one.length > max ? `${one.slice(0, max)}…` : one
}

/**
 * Asks the model and validates its JSON reply with `schema`. Throws MODEL_REPLY_INVALID (with the
 * first zod issue, an excerpt, and the reply's usage) so callers can count a failed attempt and heal.
 */
export async function askJson<T>(
  provider: ModelProvider,
  req: ChatRequest,
  schema: z.ZodType<T>,
): Promise<{ value: T; reply: ChatReply }> {
  const reply = await provider.chat(req)
  const data = {
    agentId: req.agentId,
    purpose: req.purpose,
    excerpt: excerpt(reply.text),
    usage: reply.usage,
  }
  const extracted = extractJson(reply.text)
  if (!extracted.ok) {
    throw fail(
      'MODEL_REPLY_INVALID',
      `${req.agentId}: the model's ${req.purpose} reply is not JSON (${extracted.error}): "${excerpt(reply.text, 80)}"`,
      'The agent retries with this error; if it keeps happening, try a stronger model.',
      { ...data, issue: extracted.error },
    )
  }
  const parsed = schema.safeParse(extracted.value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : '(root)'
    const what = issue ? `${where}: ${issue.message}` : 'does not match the expected shape'
    throw fail(
      'MODEL_REPLY_INVALID',
      `${req.agentId}: the model's ${req.purpose} reply has the wrong shape (${what})`,
      'The agent retries with this error; if it keeps happening, try a stronger model.',
      { ...data, issue: what, issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) },
    )
  }
  return { value: parsed.data, reply }
}
