import { describe, expect, it } from 'vitest'
import { formatDuration, formatScore, formatTokens, parseAge, shortHash } from '../../../src/cli/format.js'
import { drawTree } from '../../../src/cli/tree.js'

describe('formatters', () => {
  it('formats durations at each scale', () => {
    expect(formatDuration(850)).toBe('850ms')
    expect(formatDuration(4200)).toBe('4.2s')
    expect(formatDuration(185_000)).toBe('3m05s')
    expect(formatDuration(3_720_000)).toBe('1h02m')
    expect(formatDuration(7 * 86_400_000)).toBe('7d')
    expect(formatDuration(3 * 86_400_000 + 3_600_000)).toBe('3d1h')
    expect(formatDuration(-1)).toBe('-')
  })

  it('formats scores, hashes and tokens', () => {
    expect(formatScore(0.925)).toBe('0.93')
    expect(formatScore(undefined)).toBe('-')
    expect(shortHash('0123456789abcdef')).toBe('0123456789')
    expect(shortHash(null)).toBe('-')
    expect(formatTokens(999)).toBe('999')
    expect(formatTokens(1250)).toBe('1.3k')
  })

  it('parses --older-than ages and rejects junk', () => {
    expect(parseAge('30m')).toBe(1_800_000)
    expect(parseAge('7d')).toBe(604_800_000)
    expect(parseAge('2w')).toBe(1_209_600_000)
    expect(parseAge('1.5h')).toBe(5_400_000)
    expect(parseAge('7')).toBeNull()
    expect(parseAge('soon')).toBeNull()
  })
})

describe('drawTree', () => {
  it('draws connectors for nested children', () => {
    type N = { n: string; k: N[] }
    const t: N = {
      n: 'root',
      k: [
        { n: 'a', k: [{ n: 'a1', k: [] }] },
        { n: 'b', k: [{ n: 'b1', k: [] }] },
      ],
    }
    expect(drawTree(t, { children: (x) => x.k, label: (x) => x.n })).toEqual([
      'root',
      '├─ a',
      '│  └─ a1',
      '└─ b',
      '   └─ b1',
    ])
  })
})
