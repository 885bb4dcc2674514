import { describe, expect, it } from 'vitest'
import { TokenLedger, withLedger } from '../../../src/model/ledger.js'
import type { ModelProvider } from '../../../src/model/types.js'

describe('TokenLedger', () => {
  it('sums per agent and per run', () => {
    const l = new TokenLedger()
    l.add('a', { promptTokens: 10, completionTokens: 2 })
    l.add('b', { promptTokens: 5, completionTokens: 5, estimated: true })
    l.add('a', { promptTokens: 1, completionTokens: 1 })
    expect(l.forAgent('a')).toEqual({
      promptTokens: 11,
      completionTokens: 3,
      totalTokens: 14,
      requests: 2,
      estimatedRequests: 0,
    })
    expect(l.total()).toEqual({
      promptTokens: 16,
      completionTokens: 8,
      totalTokens: 24,
      requests: 3,
      estimatedRequests: 1,
    })
    expect(l.forAgent('nobody').requests).toBe(0)
    expect(l.agents()).toEqual(['a', 'b'])
  })

  it('hands out copies, so callers cannot corrupt the totals', () => {
    const l = new TokenLedger()
    l.add('a', { promptTokens: 1, completionTokens: 1 })
    l.forAgent('a').promptTokens = 999
    l.total().requests = 999
    expect(l.forAgent('a').promptTokens).toBe(1)
    expect(l.total().requests).toBe(1)
    expect(JSON.parse(JSON.stringify(l))).toHaveProperty('agents.a.totalTokens', 2)
  })

  it('withLedger counts every reply against the requesting agent', async () => {
    const l = new TokenLedger()
    const base: ModelProvider = {
      model: 'm',
      chat: async (r) => ({ text: r.agentId, model: 'm', usage: { promptTokens: 4, completionTokens: 1 } }),
    }
    const p = withLedger(base, l)
    expect(p.model).toBe('m')
    await Promise.all([
      p.chat({ agentId: 'x', purpose: 'vote', messages: [] }),
      p.chat({ agentId: 'y', purpose: 'edit', messages: [] }),
      p.chat({ agentId: 'x', purpose: 'heal', messages: [] }),
    ])
    expect(l.forAgent('x').requests).toBe(2)
    expect(l.total().promptTokens).toBe(12)
  })
})
