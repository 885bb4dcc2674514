import { describe, expect, it } from 'vitest'
import { buildMessages, SYSTEM_PROMPT } from '../../../src/agents/prompts.js'
import { replyInstruction } from '../../../src/templates/replies.js'

describe('buildMessages', () => {
  it("frames a script's prompt: role and reply shape first, context before, diagnostics after", () => {
    const messages = buildMessages({
      prompt: 'Write the method `total`.',
      replyKind: 'code',
      replyShape: replyInstruction('code'),
      feedback: 'pkg/cart.py:3:5: F821 undefined name `x`',
      context: 'Your parent reset your sandbox.',
    })
    expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'user', 'user'])
    const system = messages[0]?.content ?? ''
    expect(system.startsWith(SYSTEM_PROMPT)).toBe(true)
    expect(system).toContain('Reply kind: code.')
    expect(system).toContain('Answer with one JSON object only, no prose, matching this JSON Schema: {')
    expect(messages[1]?.content).toBe('Your parent reset your sandbox.')
    expect(messages[2]?.content).toBe('Write the method `total`.')
    expect(messages[3]?.content).toContain('F821 undefined name `x`')
  })

  it('sends only the system message and the prompt on a first attempt', () => {
    const messages = buildMessages({
      prompt: 'p',
      replyKind: 'vote',
      replyShape: null,
      feedback: null,
      context: null,
    })
    expect(messages).toEqual([
      { role: 'system', content: `${SYSTEM_PROMPT}\nReply kind: vote.` },
      { role: 'user', content: 'p' },
    ])
  })
})
