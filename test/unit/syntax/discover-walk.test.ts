import { describe, expect, it } from 'vitest'
import { containerTypes } from '../../../src/syntax/agent-walk.js'
import { discoverFileNodes, type MNode, walkNodes } from '../../../src/syntax/index.js'
import { agentQuery, treeSitterProfile } from '../../../src/syntax/parse.js'
import { generatePyCorpus } from '../../support/pycorpus.js'

// Repeating a pattern makes the query non-simple, so discovery answers it with the query engine
// and the original node-based ownEnd: the reference the cursor walk must match exactly.
const ENGINE = '; extends\n(class_definition name: (identifier) @name) @class\n'

const flat = (root: MNode): string[] =>
  [...walkNodes(root)].map(
    (n) =>
      `${n.kind} ${n.id} ${n.startByte}-${n.endByte} ${n.startLine}-${n.endLine} ${n.decorated} ${n.hash} ${n.parentId}`,
  )

function both(name: string, src: string | Buffer): [string[], string[]] {
  const bytes = Buffer.from(src)
  return [
    flat(discoverFileNodes(name, bytes, 'python')),
    flat(discoverFileNodes(name, bytes, 'python', { query: ENGINE })),
  ]
}

describe('cursor-walk discovery matches the query engine', () => {
  it('the built-in Python query takes the walk, which enters only statement containers', () => {
    const holders = containerTypes(treeSitterProfile('python'), agentQuery('python').plan!)
    expect(holders).not.toBeNull()
    for (const t of ['module', 'block', 'class_definition', 'if_statement', 'decorated_definition'])
      expect(holders!.has(t), t).toBe(true)
    for (const t of ['expression_statement', 'call', 'parameters', 'string', 'lambda'])
      expect(holders!.has(t), t).toBe(false)
  })

  it('on a generated corpus (decorators, comments, CRLF, BOM, non-ASCII)', () => {
    const files = generatePyCorpus(11, 60)
    let agents = 0
    for (const f of files) {
      const [walk, engine] = both(f.name, f.bytes)
      expect(walk, f.name).toEqual(engine)
      agents += walk.length - 1
    }
    expect(agents).toBeGreaterThan(300)
  })

  it('on trailing comments, "#" inside strings and nested blocks', () => {
    const src = [
      'class A:  # one',
      '    x = "#"  # two',
      '    def f(self):',
      '        return "a # b"',
      '        # trailing',
      '',
      '    # class trailing',
      '@dec(',
      '    "#",  # in the decorator',
      ')',
      'async def g():',
      '    if True:',
      '        def h(): pass  # inline',
      '    s = """',
      'def fake():',
      '    # not code',
      '"""',
      '    # end',
      '',
    ].join('\n')
    const [walk, engine] = both('t.py', src)
    expect(walk).toEqual(engine)
    // Own ranges stop before trailing comments; the decorated g starts at its decorator.
    expect(walk.map((l) => l.split(' ').slice(0, 5).join(' '))).toEqual([
      'file t.py 0-266 1-18 false',
      'class t.py::A 0-74 1-4 false',
      'method t.py::A.f 39-74 3-4 false',
      'function t.py::g 116-255 8-17 true',
      'function t.py::g.h 189-202 13-13 false',
    ])
  })

  it('trees with syntax errors still find definitions', () => {
    const [walk, engine] = both('e.py', 'def ok():\n    pass\n\nx = (\n\ndef after():\n    pass\n')
    expect(walk).toEqual(engine)
    expect(walk.some((l) => l.includes('e.py::ok'))).toBe(true)
  })
})
