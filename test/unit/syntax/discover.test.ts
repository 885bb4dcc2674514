import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { MomentumError } from '../../../src/errors/index.js'
import { checkSyntax, discoverFileNodes, type MNode, walkNodes } from '../../../src/syntax/index.js'

const FIX = join(import.meta.dirname, '../../fixtures/syntax')
const fixture = (name: string): Buffer => readFileSync(join(FIX, name))
const slice = (b: Buffer, n: MNode): string => b.subarray(n.startByte, n.endByte).toString('utf8')
const byId = (root: MNode): Map<string, MNode> => new Map([...walkNodes(root)].map((n) => [n.id, n]))
const codeOf = (fn: () => unknown): string => {
  try {
    fn()
  } catch (err) {
    if (err instanceof MomentumError) return err.code
    throw err
  }
  return 'no error'
}

describe('Python nodes', () => {
  const b = fixture('service.py')
  const root = discoverFileNodes('pkg/service.py', b, 'python')
  const ids = byId(root)

  it('finds classes, methods, nested defs and decorated variants with exact bytes', () => {
    expect([...ids.keys()]).toEqual([
      'pkg/service.py',
      'pkg/service.py::LineItem',
      'pkg/service.py::LineItem.total',
      'pkg/service.py::Order',
      'pkg/service.py::Order.Status',
      'pkg/service.py::Order.__init__',
      'pkg/service.py::Order.total',
      'pkg/service.py::Order.pay',
      'pkg/service.py::Order.describe',
      'pkg/service.py::summarize',
      'pkg/service.py::summarize.key',
    ])
    const item = ids.get('pkg/service.py::LineItem')!
    expect(item.kind).toBe('class')
    expect(item.decorated).toBe(true)
    expect(slice(b, item)).toMatch(/^@dataclasses\.dataclass\(frozen=True\)\nclass LineItem:/)
    expect(slice(b, item)).toMatch(/return self\.quantity \* self\.unit_price$/)
    expect(ids.get('pkg/service.py::Order.pay')!.kind).toBe('method')
    expect(slice(b, ids.get('pkg/service.py::Order.pay')!)).toMatch(/^async def pay[\s\S]*return ok$/)
    expect(ids.get('pkg/service.py::summarize.key')!.kind).toBe('function')
    expect(ids.get('pkg/service.py::Order.total')!.decorated).toBe(true)
  })

  it('ends a node at its last token: trailing comments and blank lines belong to the parent', () => {
    const pay = ids.get('pkg/service.py::Order.pay')!
    expect(slice(b, pay)).not.toContain('TODO')
    const order = ids.get('pkg/service.py::Order')!
    expect(slice(b, order).endsWith('return "other"')).toBe(true)
    expect(order.endLine).toBe(b.subarray(0, order.endByte).toString().split('\n').length)
  })

  it('hashes node bytes and links parents', () => {
    const order = ids.get('pkg/service.py::Order')!
    expect(order.hash).toMatch(/^[0-9a-f]{16}$/)
    expect(order.parentId).toBe('pkg/service.py')
    expect(ids.get('pkg/service.py::Order.Status')!.parentId).toBe('pkg/service.py::Order')
  })

  it('appends @<startByte> to later duplicates (property setter)', () => {
    const src = Buffer.from(
      'class P:\n    @property\n    def x(self):\n        return 1\n\n    @x.setter\n    def x(self, v):\n        pass\n',
    )
    const kids = discoverFileNodes('p.py', src, 'python').children[0]!.children
    expect(kids.map((k) => k.id)).toEqual(['p.py::P.x', `p.py::P.x@${src.indexOf('@x.setter')}`])
  })
})

describe('exact bytes on awkward input', () => {
  it('non-ASCII identifiers and strings: café, CJK, emoji', () => {
    const src = "s = '😀 中文 café'\n\nclass Café:\n    def 名前(self):\n        return '🎉'\n"
    const b = Buffer.from(src)
    const root = discoverFileNodes('u.py', b, 'python')
    const cls = root.children[0]!
    expect(cls.name).toBe('Café')
    expect(cls.startByte).toBe(Buffer.byteLength("s = '😀 中文 café'\n\n"))
    expect(slice(b, cls)).toBe("class Café:\n    def 名前(self):\n        return '🎉'")
    expect(slice(b, cls.children[0]!)).toBe("def 名前(self):\n        return '🎉'")
    expect(cls.children[0]!.startLine).toBe(4)
  })

  it('CRLF, tabs and no final newline', () => {
    const b = fixture('crlf_tabs_nofinal.py')
    const root = discoverFileNodes('c.py', b, 'python')
    expect(root.endByte).toBe(b.length)
    expect(root.children.map((c) => slice(b, c))).toEqual([
      'class Café:\r\n\tdef método(self):\r\n\t\treturn "中文 😀"',
      'def 函数():\r\n\tpass',
    ])
    expect(root.children.map((c) => [c.startLine, c.endLine])).toEqual([
      [1, 3],
      [6, 7],
    ])
    expect(root.endLine).toBe(7)
  })

  it('a UTF-8 BOM stays in the file node and offsets count it', () => {
    const b = fixture('bom.py')
    const root = discoverFileNodes('bom.py', b, 'python')
    const f = root.children[0]!
    expect(root.startByte).toBe(0)
    expect(f.startByte).toBe(b.indexOf('def after_bom'))
    expect(slice(b, f)).toBe('def after_bom():\n    return 1')
  })

  it('an empty file is a file node with no children', () => {
    for (const lang of ['python', 'toml', 'markdown'] as const) {
      const root = discoverFileNodes('e', Buffer.alloc(0), lang)
      expect([
        root.kind,
        root.startByte,
        root.endByte,
        root.startLine,
        root.endLine,
        root.children.length,
      ]).toEqual(['file', 0, 0, 1, 1, 0])
    }
  })

  it('an unparsable file still gives a file node; checkSyntax reports the problems', () => {
    const b = fixture('unparsable.py')
    const root = discoverFileNodes('bad.py', b, 'python')
    expect(root.kind).toBe('file')
    expect(root.children.some((c) => c.name === 'Fine')).toBe(true)
    const problems = checkSyntax('python', b)
    expect(problems.length).toBeGreaterThan(0)
    expect(problems[0]!.line).toBe(1)
    expect(problems[0]!.nodeId).toBeNull()
    expect(checkSyntax('python', fixture('service.py'))).toEqual([])
  })

  it('binary input is refused with BINARY_FILE and never parsed', () => {
    expect(codeOf(() => discoverFileNodes('x.py', Buffer.from([0x61, 0, 0x62]), 'python'))).toBe(
      'BINARY_FILE',
    )
    expect(codeOf(() => discoverFileNodes('x.toml', Buffer.from([0xc3, 0x28]), 'toml'))).toBe('BINARY_FILE')
    expect(codeOf(() => discoverFileNodes('x.md', Buffer.from([0xff]), 'markdown'))).toBe('BINARY_FILE')
  })
})

describe('TOML nodes', () => {
  const b = fixture('pyproject.toml')
  const root = discoverFileNodes('pyproject.toml', b, 'toml')
  const ids = byId(root)

  it('uses the table key for ids, disambiguates arrays of tables, nests pairs', () => {
    const tables = root.children.map((c) => c.id)
    expect(tables).toContain('pyproject.toml::tool.pytest.ini_options')
    expect(tables).toContain('pyproject.toml::project.optional-dependencies')
    const arrays = root.children.filter((c) => c.kind === 'toml_array_table')
    expect(arrays.map((a) => a.id)).toEqual(
      arrays.map((a) => `pyproject.toml::tool.mypy.overrides@${a.startByte}`),
    )
    expect(ids.get('pyproject.toml::project.dependencies')!.kind).toBe('toml_pair')
    expect(ids.get(`${arrays[1]!.id}.module`)).toBeDefined()
  })

  it('a table runs from [ to the end of its last pair: following blank lines and comments stay outside', () => {
    const project = ids.get('pyproject.toml::project')!
    expect(slice(b, project).startsWith('[project]\n')).toBe(true)
    expect(slice(b, project).endsWith(']')).toBe(true)
    const scripts = ids.get('pyproject.toml::project.scripts')!
    expect(slice(b, scripts)).toBe('[project.scripts]\norders = "orders.cli:main"')
    expect(slice(b, ids.get('pyproject.toml::project.description')!)).toBe(
      'description = "Café orders — 注文"',
    )
  })

  it('normalises spaces in dotted keys, keeps quotes, ignores inline-table pairs, keeps top-level pairs', () => {
    const src = Buffer.from('top = 1\n"quoted.key" = 2\n[ a . b ]\ninline = { x = 1 }\n')
    const r = discoverFileNodes('t.toml', src, 'toml')
    expect([...walkNodes(r)].map((n) => `${n.kind}:${n.id}`)).toEqual([
      'file:t.toml',
      'toml_pair:t.toml::top',
      'toml_pair:t.toml::"quoted.key"',
      'toml_table:t.toml::a.b',
      'toml_pair:t.toml::a.b.inline',
    ])
  })
})

describe('Markdown sections (scanner)', () => {
  it('nests ATX sections by level, skips fenced code, trims trailing blank lines', () => {
    const b = fixture('README.md')
    const root = discoverFileNodes('README.md', b, 'markdown')
    expect([...walkNodes(root)].map((n) => n.id)).toEqual([
      'README.md',
      'README.md::Orders',
      'README.md::Orders.Install',
      'README.md::Orders.Usage',
      'README.md::Orders.Usage.Configuration',
      'README.md::Orders.License',
    ])
    const install = byId(root).get('README.md::Orders.Install')!
    expect(slice(b, install)).toBe(
      '## Install\n\n```sh\npip install orders\n# not a heading: inside a fence\n```',
    )
    expect(slice(b, byId(root).get('README.md::Orders.License')!)).toBe('## License\n\nMIT')
  })
})

describe('query overrides', () => {
  const src = Buffer.from('class A:\n    def m(self):\n        pass\n\ndef f():\n    pass\n')

  it('a replacing query decides which nodes become agents', () => {
    const root = discoverFileNodes('q.py', src, 'python', {
      query: '(class_definition name: (identifier) @name) @class',
    })
    expect([...walkNodes(root)].map((n) => n.id)).toEqual(['q.py', 'q.py::A'])
  })

  it('a `; extends` query adds to the built-in one (query engine path)', () => {
    const q = '; extends\n(function_definition name: (identifier) @name (#eq? @name "f")) @function\n'
    const root = discoverFileNodes('q.py', src, 'python', { query: q })
    expect([...walkNodes(root)].map((n) => n.id)).toEqual(['q.py', 'q.py::A', 'q.py::A.m', 'q.py::f'])
  })

  it('the general query engine agrees with the direct plan on the built-in query', () => {
    const b = fixture('service.py')
    const viaPlan = discoverFileNodes('s.py', b, 'python')
    // A predicate that always holds forces the query engine.
    const q = `(class_definition name: (identifier) @name (#match? @name "")) @class
(function_definition name: (identifier) @name (#match? @name "")) @function`
    expect(discoverFileNodes('s.py', b, 'python', { query: q })).toEqual(viaPlan)
  })

  it('an invalid query is QUERY_INVALID naming the file and position', () => {
    let err: unknown
    try {
      discoverFileNodes('q.py', src, 'python', {
        query: '(klass) @class',
        queryLabel: '.momentum/queries/python.scm',
      })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(MomentumError)
    const m = err as MomentumError
    expect(m.code).toBe('QUERY_INVALID')
    expect(m.message).toMatch(/^\.momentum\/queries\/python\.scm:1:2: /)
    expect(m.hint).toMatch(/\.momentum\/queries\/python\.scm/)
    expect(
      codeOf(() => discoverFileNodes('q.py', src, 'python', { query: '(class_definition) @klass' })),
    ).toBe('QUERY_INVALID')
  })
})
