import type { ChatMessage } from '../model/types.js'

/**
 * The host's own words around a script's prompt. Scripts write the task; the host adds the
 * role, the reply contract and, on a retry, the exact diagnostics. Documented in docs/agents.md.
 */
export const SYSTEM_PROMPT =
  'You are one agent in a syntax tree of agents. You own exactly one node of one file and may ' +
  'change nothing else. Answer with a single JSON object matching the requested reply kind, and ' +
  'nothing else: no prose, no Markdown fences.'

/** What a script's `ask_model(prompt, reply_kind)` turns into on the wire. */
export function buildMessages(opts: {
  prompt: string
  replyKind: string
  replyShape: string | null
  feedback: string | null
  context: string | null
}): ChatMessage[] {
  const system = `${SYSTEM_PROMPT}\nReply kind: ${opts.replyKind}.${opts.replyShape ? `\nReply shape: ${opts.replyShape}` : ''}`
  const messages: ChatMessage[] = [{ role: 'system', content: system }]
  if (opts.context) messages.push({ role: 'user', content: opts.context })
  messages.push({ role: 'user', content: opts.prompt })
  if (opts.feedback) messages.push({ role: 'user', content: feedbackMessage(opts.feedback) })
  return messages
}

/** The retry message: the previous attempt's exact diagnostics, verbatim. */
export function feedbackMessage(feedback: string): string {
  return `Your previous attempt was rejected. Fix exactly these problems and answer again:\n${feedback}`
}

/** The richer context a parent adds when it resets a child and retries it once. */
export function parentRetryContext(opts: {
  parentOutline: string
  siblings: string[]
  failure: string
}): string {
  const siblings = opts.siblings.length > 0 ? opts.siblings.join(', ') : '(none)'
  return [
    'Your parent reset your sandbox after repeated failures and gives you more context.',
    `Parent outline:\n${opts.parentOutline}`,
    `Sibling nodes: ${siblings}`,
    `The last failure:\n${opts.failure}`,
  ].join('\n\n')
}
