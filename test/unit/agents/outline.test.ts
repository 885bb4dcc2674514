import { describe, expect, it } from 'vitest'
import type { Agent } from '../../../src/agents/agent-tree.js'
import {
  MAX_SIBLING_NAMES,
  OUTLINE_NEIGHBOURS,
  parentOutline,
  siblingNames,
} from '../../../src/agents/outline.js'
import type { MNode } from '../../../src/syntax/types.js'

function node(id: string, kind: MNode['kind'], startByte: number, endByte: number): MNode {
  return {
    id,
    kind,
    decorated: false,
    name: id.split('.').pop() ?? id,
    path: 'a.py',
    lang: 'python',
    startByte,
    endByte,
    startLine: 0,
    endLine: 0,
    hash: '',
    parentId: null,
    children: [],
  }
}

function agentOf(n: MNode, parent: Agent | null): Agent {
  return {
    rec: {
      id: n.id,
      node: { id: n.id, kind: n.kind, name: n.name, path: n.path, lang: n.lang },
      range: { path: 'a.py', start: n.startByte, end: n.endByte },
      base: 'b',
      insertion: false,
      parentId: parent?.rec.id ?? null,
      children: [],
      sandbox: null,
      template: null,
      block: null,
      script: null,
      status: 'pending',
      attempts: [],
      votes: null,
      validations: [],
      tokens: { prompt: 0, completion: 0 },
      timings: {},
      head: null,
      error: null,
    },
    node: n,
    parent,
    children: [],
    template: null,
    block: null,
    scriptFile: null,
    limits: 'default',
    voteWithModel: false,
    delegate: false,
    selfWork: false,
    insertion: null,
    forced: false,
    base: 'b',
    skeleton: null,
    vars: {},
  }
}

describe('parent outline and sibling names', () => {
  // class C with 200 one-line methods: the outline must not grow with them.
  const lines = ['class C:']
  for (let i = 0; i < 200; i++) lines.push(`    def m${i}(self) -> int: return ${i}`)
  const bytes = Buffer.from(`${lines.join('\n')}\n`)
  const cls = agentOf(node('a.py::C', 'class', 0, bytes.length), null)
  let offset = lines[0]!.length + 1
  for (let i = 0; i < 200; i++) {
    const start = offset + 4
    const end = offset + lines[i + 1]!.length
    cls.children.push(agentOf(node(`a.py::C.m${i}`, 'method', start, end), cls))
    offset = end + 1
  }
  const me = cls.children[100]!

  it('shows the header and only the nearest siblings, marking the agent', () => {
    const outline = parentOutline(me, bytes).split('\n')
    expect(outline[0]).toBe('class C:')
    expect(outline).toContain('    def m100(self) -> int: return 100  <- you')
    expect(outline).toContain('  ... 92 earlier siblings')
    expect(outline).toContain('  ... 91 later siblings')
    expect(outline.length).toBe(1 + 2 + 2 * OUTLINE_NEIGHBOURS + 1)
    expect(outline.join('\n')).not.toContain('return 200')
  })

  it('names the nearest siblings in document order, never itself', () => {
    const names = siblingNames(me)
    expect(names).toHaveLength(MAX_SIBLING_NAMES)
    expect(names).not.toContain('m100')
    expect(names[0]).toBe(`m${100 - MAX_SIBLING_NAMES / 2}`)
    expect(names).toContain('m101')
  })
})
