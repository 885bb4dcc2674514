import { describe, expect, it } from 'vitest'
import { bodyIndentOf, dedentNode, normalizeProposal, reindentNode } from '../../../src/agents/indent.js'

const asIs = 'def total(self) -> int:\n        return sum(self.items)\n'
const dedented = 'def total(self) -> int:\n    return sum(self.items)\n'

describe('indentation round trip', () => {
  it('dedents a method and re-indents it to the same bytes', () => {
    expect(dedentNode(asIs, '    ')).toBe(dedented)
    expect(reindentNode(dedented, '    ')).toBe(asIs)
  })

  it('normalises proposals written dedented, wholly indented, or as they are now', () => {
    const body = bodyIndentOf(dedented)
    expect(body).toBe(4)
    expect(normalizeProposal(dedented, '    ', body)).toBe(dedented)
    expect(
      normalizeProposal(`    ${asIs.replace('\n', '\n')}`.replace('\n        ', '\n        '), '    ', body),
    ).toBe(dedented)
    expect(normalizeProposal(asIs, '    ', body)).toBe(dedented)
  })

  it('leaves top-level text alone', () => {
    expect(normalizeProposal(dedented, '', 4)).toBe(dedented)
    expect(reindentNode(dedented, '')).toBe(dedented)
  })
})
