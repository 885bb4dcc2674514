import { describe, expect, it } from 'vitest'
import {
  checkSyntax,
  discoverFileNodes,
  findInsertion,
  type InsertRule,
  type LanguageId,
  type MNode,
  renderInsertion,
  stitch,
  walkNodes,
} from '../../../src/syntax/index.js'

/** Inserts `text` under the node `id` by `rule` and returns the new file text. */
function insert(lang: LanguageId, src: string, id: string, rule: InsertRule, text: string): string {
  const bytes = Buffer.from(src)
  const root = discoverFileNodes(
    lang === 'python' ? 'm.py' : lang === 'toml' ? 'p.toml' : 'r.md',
    bytes,
    lang,
  )
  const parent = [...walkNodes(root)].find((n: MNode) => n.id === id)
  if (!parent) throw new Error(`no node ${id}`)
  const ins = findInsertion(lang, bytes, parent, rule)
  const patch = {
    start: ins.offset,
    end: ins.offset,
    text: renderInsertion(bytes, ins, text),
    nodeId: `${id}/new`,
  }
  const out = stitch(lang, bytes, [patch])
  expect(out.problems).toEqual([])
  return out.bytes.toString('utf8')
}

const CLASS =
  'import os\n\n\nclass A:\n    """Doc."""\n\n    def a(self):\n        return 1\n    # trailing comment\n\n\ndef f():\n    pass\n'

describe('Python insertion rules', () => {
  it('end of class body: method indentation, one blank line before, trailing comment stays after', () => {
    const out = insert('python', CLASS, 'm.py::A', { at: 'end-of-body' }, 'def b(self):\n    return 2\n')
    expect(out).toBe(
      'import os\n\n\nclass A:\n    """Doc."""\n\n    def a(self):\n        return 1\n\n    def b(self):\n        return 2\n    # trailing comment\n\n\ndef f():\n    pass\n',
    )
  })

  it('start of class body: after the docstring, before the first member, one blank line after', () => {
    const out = insert('python', CLASS, 'm.py::A', { at: 'start-of-body' }, 'x = 1')
    expect(out).toContain('    """Doc."""\n\n    x = 1\n\n    def a(self):')
  })

  it('end of file: two blank lines before a top-level def (PEP 8)', () => {
    const out = insert('python', CLASS, 'm.py', { at: 'end-of-file' }, 'def g():\n    pass')
    expect(out.endsWith('def f():\n    pass\n\n\ndef g():\n    pass\n')).toBe(true)
  })

  it('end of file counts existing blank lines and handles a missing final newline', () => {
    expect(insert('python', 'x = 1\n\n', 'm.py', { at: 'end-of-file' }, 'def g(): pass')).toBe(
      'x = 1\n\n\ndef g(): pass\n',
    )
    expect(insert('python', 'x = 1', 'm.py', { at: 'end-of-file' }, 'def g(): pass')).toBe(
      'x = 1\n\n\ndef g(): pass',
    )
    expect(insert('python', '', 'm.py', { at: 'end-of-file' }, 'def g(): pass')).toBe('def g(): pass\n')
  })

  it('after the last def: two blank lines between top-level defs', () => {
    const out = insert('python', CLASS, 'm.py', { at: 'after-last', kind: 'class' }, 'class B:\n    pass')
    expect(out).toContain('    # trailing comment\n')
    expect(out).toContain('        return 1\n\n\nclass B:\n    pass\n    # trailing comment')
  })

  it('keeps CRLF and tab indentation', () => {
    const src = 'class A:\r\n\tdef a(self):\r\n\t\treturn 1\r\n'
    const out = insert('python', src, 'm.py::A', { at: 'end-of-body' }, 'def b(self):\n\treturn 2')
    expect(out).toBe('class A:\r\n\tdef a(self):\r\n\t\treturn 1\r\n\r\n\tdef b(self):\r\n\t\treturn 2\r\n')
    expect(checkSyntax('python', Buffer.from(out))).toEqual([])
  })

  it('end of a function body: no blank line, body indentation', () => {
    const out = insert('python', 'def f():\n  a = 1\n\nx = 2\n', 'm.py::f', { at: 'end-of-body' }, 'return a')
    expect(out).toBe('def f():\n  a = 1\n  return a\n\nx = 2\n')
  })
})

const TOML =
  '[project]\nname = "x"\n\n# Testing\n[tool.pytest.ini_options]\naddopts = "-q"\n\n[tool.ruff]\nline-length = 100\n'

describe('TOML insertion rules', () => {
  it('after the last table matching a name pattern: one blank line, comments of the next table stay with it', () => {
    const out = insert(
      'toml',
      TOML,
      'p.toml',
      { at: 'after-last', kind: 'toml_table', namePattern: 'project*' },
      '[project.scripts]\nx = "m:main"',
    )
    expect(out).toBe(
      '[project]\nname = "x"\n\n[project.scripts]\nx = "m:main"\n\n# Testing\n[tool.pytest.ini_options]\naddopts = "-q"\n\n[tool.ruff]\nline-length = 100\n',
    )
  })

  it('after the last tool.* table; falls back to the end of the file when nothing matches', () => {
    const out = insert(
      'toml',
      TOML,
      'p.toml',
      { at: 'after-last', kind: 'toml_table', namePattern: 'tool.*' },
      '[tool.coverage]\nx = 1',
    )
    expect(out.endsWith('line-length = 100\n\n[tool.coverage]\nx = 1\n')).toBe(true)
    const none = insert('toml', TOML, 'p.toml', { at: 'after-last', namePattern: 'nothing.*' }, '[z]')
    expect(none.endsWith('line-length = 100\n\n[z]\n')).toBe(true)
  })

  it('end of a table body adds a pair on the next line', () => {
    const out = insert(
      'toml',
      TOML,
      'p.toml::tool.pytest.ini_options',
      { at: 'end-of-body' },
      'testpaths = ["tests"]',
    )
    expect(out).toContain('[tool.pytest.ini_options]\naddopts = "-q"\ntestpaths = ["tests"]\n\n[tool.ruff]')
  })

  it('start of a table body goes right after the header', () => {
    const out = insert('toml', TOML, 'p.toml::tool.ruff', { at: 'start-of-body' }, 'target-version = "py311"')
    expect(out).toContain('[tool.ruff]\ntarget-version = "py311"\nline-length = 100\n')
  })
})

describe('Markdown insertion rules', () => {
  const MD = '# T\n\nintro\n\n## A\n\ntext\n\n## B\n\nmore\n'
  it('end of a section: one blank line, before the next section', () => {
    const out = insert('markdown', MD, 'r.md::T.A', { at: 'end-of-body' }, '### A1\n\nnew')
    expect(out).toBe('# T\n\nintro\n\n## A\n\ntext\n\n### A1\n\nnew\n\n## B\n\nmore\n')
  })
  it('after the last section', () => {
    const out = insert('markdown', MD, 'r.md::T', { at: 'after-last', kind: 'md_section' }, '## C\n\nc')
    expect(out).toBe('# T\n\nintro\n\n## A\n\ntext\n\n## B\n\nmore\n\n## C\n\nc\n')
  })
})
