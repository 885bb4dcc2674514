import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { askJson, extractJson } from '../../../src/model/ask-json.js'
import type { ChatReply, ChatRequest, ModelProvider } from '../../../src/model/types.js'

describe('extractJson', () => {
  it('parses plain JSON', () => {
    expect(extractJson('{"a":1}')).toEqual({ ok: true, value: { a: 1 } })
    expect(extractJson('  [1,2]\n')).toEqual({ ok: true, value: [1, 2] })
  })

  it('takes a ```json fence out of prose', () => {
    const text = 'Sure! Here you go:\n```json\n{"relevance": 0.9}\n```\nHope that helps.'
    expect(extractJson(text)).toEqual({ ok: true, value: { relevance: 0.9 } })
  })

  it('prefers a json-tagged fence over an earlier untagged one', () => {
    const text = '```\nnot json\n```\n```JSON\n{"x": true}\n```'
    expect(extractJson(text)).toEqual({ ok: true, value: { x: true } })
  })

  it('accepts a bare fence and CRLF line ends', () => {
    expect(extractJson('```\r\n{"y": 2}\r\n```')).toEqual({ ok: true, value: { y: 2 } })
  })

  it('falls back to the outermost braces', () => {
    expect(extractJson('The answer is {"ok": {"nested": 1}} as requested')).toEqual({
      ok: true,
      value: { ok: { nested: 1 } },
    })
  })

  it('reports empty and non-JSON text', () => {
    expect(extractJson('   ')).toEqual({ ok: false, error: 'the reply is empty' })
    const bad = extractJson('I cannot help with that.')
    expect(bad.ok).toBe(false)
  })

  it('keeps non-ASCII content intact', () => {
    expect(extractJson('```json\n{"name": "café 🚀 漢字"}\n```')).toEqual({
      ok: true,
      value: { name: 'café 🚀 漢字' },
    })
  })
})

function fixed(text: string): ModelProvider {
  return {
    model: 'fixed',
    async chat(): Promise<ChatReply> {
      return { text, model: 'fixed', usage: { promptTokens: 7, completionTokens: 3 } }
    },
  }
}

const req: ChatRequest = { agentId: 'pyproject.toml::project', purpose: 'vote', messages: [] }
const Vote = z.object({ relevance: z.number().min(0).max(1), reason: z.string() })

describe('askJson', () => {
  it('returns the validated value and the reply', async () => {
    const out = await askJson(fixed('```json\n{"relevance": 0.8, "reason": "deps"}\n```'), req, Vote)
    expect(out.value).toEqual({ relevance: 0.8, reason: 'deps' })
    expect(out.reply.usage.promptTokens).toBe(7)
  })

  it('throws MODEL_REPLY_INVALID for text that is not JSON, with an excerpt', async () => {
    const err = await askJson(fixed('Absolutely, I will add requests.'), req, Vote).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'MODEL_REPLY_INVALID' })
    expect(err).toHaveProperty('data.excerpt', 'Absolutely, I will add requests.')
    expect(err).toHaveProperty('data.agentId', 'pyproject.toml::project')
    expect(err).toHaveProperty('data.usage', { promptTokens: 7, completionTokens: 3 })
  })

  it('throws MODEL_REPLY_INVALID naming the failing field when the shape is wrong', async () => {
    const err = await askJson(fixed('{"relevance": 3, "reason": "x"}'), req, Vote).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'MODEL_REPLY_INVALID' })
    expect(String((err as Error).message)).toContain('relevance')
  })

  it('lets transport errors through untouched', async () => {
    const boom: ModelProvider = {
      model: 'x',
      chat: () => Promise.reject(new Error('transport')),
    }
    await expect(askJson(boom, req, Vote)).rejects.toThrow('transport')
  })
})
