import { describe, expect, it } from 'vitest'
import { coerceVars, renderSkeleton } from '../../../src/agents/generate.js'
import { loadAllTemplates, loadTemplate } from '../../../src/templates/load.js'

describe('generation skeletons', () => {
  it('coerces --set strings by the template defaults', async () => {
    const cls = await loadTemplate('python-class', { repoRoot: null })
    expect(coerceVars(cls, { methods: 'add, sub,,mul', class_name: 'Calc' })).toEqual({
      methods: ['add', 'sub', 'mul'],
      class_name: 'Calc',
    })
    expect(coerceVars(cls, { methods: '[{"name": "add", "signature": "a: int"}]' })).toEqual({
      methods: [{ name: 'add', signature: 'a: int' }],
    })
  })

  it('wraps a class template in its module and leaves the required methods out', async () => {
    const templates = await loadAllTemplates({ repoRoot: null })
    const cls = templates.find((t) => t.name === 'python-class')!
    const text = renderSkeleton(cls, templates, 'pkg/calc.py', {
      class_name: 'Calc',
      methods: ['add', 'sub'],
    })
    expect(text).toMatch(
      /^"""[^\n]*"""\n\nfrom __future__ import annotations\n\n\nclass Calc:\n {4}"""[^\n]*"""\n$/,
    )
    expect(text).not.toContain('def add')
  })

  it('refuses a class name that is not an identifier', async () => {
    const templates = await loadAllTemplates({ repoRoot: null })
    const cls = templates.find((t) => t.name === 'python-class')!
    expect(() => renderSkeleton(cls, templates, 'a.py', { class_name: 'not valid' })).toThrow(/identifier/)
  })
})
