import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isMomentumError } from '../../../src/errors/index.js'
import { tomlAppend, tomlSet } from '../../../src/syntax/toml-edit.js'
import { splitKeyPath, tomlKeyLine, tomlTables } from '../../../src/syntax/toml-index.js'
import { tomlGet, tomlSerializeValue } from '../../../src/syntax/toml-value.js'
import { editSpan, fixtures, onlyInserted, toml } from './helpers.js'

const b = (s: string): Buffer => Buffer.from(s, 'utf8')

function deps(bytes: Buffer): unknown {
  return tomlGet(bytes, 'project.dependencies')
}

describe('tomlAppend on the fixtures', () => {
  for (const { name, bytes } of fixtures()) {
    it(`${name}: appends requests, inserting bytes only, keeping newline style`, () => {
      const before = deps(bytes)
      const after = tomlAppend(bytes, 'project', 'dependencies', 'requests>=2')
      expect(onlyInserted(bytes, after)).toBe(true)
      const list = deps(after)
      expect(list).toEqual([...(Array.isArray(before) ? before : []), 'requests>=2'])
      const crlf = bytes.includes('\r\n')
      const inserted = after.subarray(
        editSpan(bytes, after).prefix,
        after.length - editSpan(bytes, after).suffix,
      )
      if (crlf && inserted.includes('\n')) expect(inserted.toString()).toMatch(/\r\n/)
      if (!crlf) expect(after.includes('\r')).toBe(false)
      // Every other table parses to the same value.
      const { project: p0, ...rest0 } = toml(bytes)
      const { project: p1, ...rest1 } = toml(after)
      expect(rest1).toEqual(rest0)
      expect({ ...(p1 as object), dependencies: null }).toEqual({ ...(p0 as object), dependencies: null })
    })

    it(`${name}: appending an item already present changes nothing`, () => {
      const once = tomlAppend(bytes, 'project', 'dependencies', 'requests>=2')
      expect(tomlAppend(once, 'project', 'dependencies', 'requests>=2').equals(once)).toBe(true)
    })
  }
})

describe('tomlAppend layouts', () => {
  it('single-line array keeps its spacing and quotes', () => {
    expect(tomlAppend(b('a = ["x", "y"]\n'), [], 'a', 'z').toString()).toBe('a = ["x", "y", "z"]\n')
    expect(tomlAppend(b("a = ['x','y']\n"), [], 'a', 'z').toString()).toBe("a = ['x','y','z']\n")
    expect(tomlAppend(b('a = ["x",]\n'), [], 'a', 'z').toString()).toBe('a = ["x", "z",]\n')
    expect(tomlAppend(b('a = []\n'), [], 'a', 'z').toString()).toBe('a = ["z"]\n')
  })

  it('multi-line array with trailing comma and comments', () => {
    const src = '[project]\ndependencies = [\n    "a",  # first\n    "b", # second\n]\n'
    expect(tomlAppend(b(src), 'project', 'dependencies', 'c').toString()).toBe(
      '[project]\ndependencies = [\n    "a",  # first\n    "b", # second\n    "c",\n]\n',
    )
  })

  it('multi-line array without trailing comma gains one before the new item', () => {
    const src = 'x = [\n  1,\n  2 # two\n]\n'
    expect(tomlAppend(b(src), [], 'x', 3).toString()).toBe('x = [\n  1,\n  2, # two\n  3\n]\n')
  })

  it('hanging layout aligns with the elements and keeps the closing bracket', () => {
    const src = 'k = [ "odd",\n      "format" ]\n'
    expect(tomlAppend(b(src), [], 'k', 'new').toString()).toBe(
      'k = [ "odd",\n      "format",\n      "new" ]\n',
    )
  })

  it('empty multi-line array', () => {
    expect(tomlAppend(b('[t]\nx = [\n]\n'), 't', 'x', 'a').toString()).toBe('[t]\nx = [\n    "a",\n]\n')
  })

  it('appends inside an inline table', () => {
    const src = '[project]\noptional-dependencies = { test = ["pytest"] } # extras\n'
    expect(tomlAppend(b(src), 'project.optional-dependencies', 'test', 'pytest-cov').toString()).toBe(
      '[project]\noptional-dependencies = { test = ["pytest", "pytest-cov"] } # extras\n',
    )
  })

  it('creates a missing array', () => {
    expect(tomlAppend(b('[project]\nname = "x"\n'), 'project', 'dependencies', 'a').toString()).toBe(
      '[project]\nname = "x"\ndependencies = ["a"]\n',
    )
  })

  it('refuses to append to a non-array', () => {
    expect(() => tomlAppend(b('[project]\nname = "x"\n'), 'project', 'name', 'a')).toThrow(/not an array/)
  })
})

describe('tomlSet', () => {
  it('replaces a value in place and nothing else', () => {
    const src = b('# c\n[tool.coverage.report]\nfail_under = 70   # keep\nshow_missing = true\n')
    const out = tomlSet(src, 'tool.coverage.report', 'fail_under', 80)
    expect(out.toString()).toBe(
      '# c\n[tool.coverage.report]\nfail_under = 80   # keep\nshow_missing = true\n',
    )
    const { prefix, suffix } = editSpan(src, out)
    expect(src.subarray(prefix, src.length - suffix).toString()).toBe('7')
  })

  it('keeps a literal string literal when it can', () => {
    expect(tomlSet(b("[p]\nd = 'old'\n"), 'p', 'd', 'new').toString()).toBe("[p]\nd = 'new'\n")
    expect(tomlSet(b("[p]\nd = 'old'\n"), 'p', 'd', "it's").toString()).toBe('[p]\nd = "it\'s"\n')
  })

  it('adds a key after the last pair with its indentation and CRLF', () => {
    const src = b('[tool.ruff]\r\n  line-length = 99\r\n\r\n[tool.x]\r\ny = 1\r\n')
    expect(tomlSet(src, 'tool.ruff', 'fix', true).toString()).toBe(
      '[tool.ruff]\r\n  line-length = 99\r\n  fix = true\r\n\r\n[tool.x]\r\ny = 1\r\n',
    )
  })

  it('follows aligned = signs and tight key=value style', () => {
    expect(tomlSet(b('[p]\nname    = "a"\nversion = "1"\n'), 'p', 'url', 'u').toString()).toBe(
      '[p]\nname    = "a"\nversion = "1"\nurl     = "u"\n',
    )
    expect(tomlSet(b('[p]\nname="a"\n'), 'p', 'v', 1).toString()).toBe('[p]\nname="a"\nv=1\n')
  })

  it('creates a missing table after its nearest relative', () => {
    const src = b(
      '[project]\nname = "x"\n\n[tool.pytest.ini_options]\naddopts = "-q"\n\n# Lint\n[tool.ruff]\nfix = true\n',
    )
    const out = tomlSet(src, 'tool.pytest.ini_options', 'testpaths', ['tests'])
    expect(out.toString()).toContain('addopts = "-q"\ntestpaths = ["tests"]\n')
    const cov = tomlSet(src, 'tool.coverage.report', 'fail_under', 80)
    expect(onlyInserted(src, cov)).toBe(true)
    expect(toml(cov)).toEqual({
      ...toml(src),
      tool: { ...(toml(src).tool as object), coverage: { report: { fail_under: 80 } } },
    })
    // The comment stays attached to the table it introduces.
    expect(cov.toString()).toMatch(/# Lint\n\[tool\.ruff\]/)
  })

  it('creates a table in an empty document and at the end of a file without a final newline', () => {
    expect(tomlSet(b(''), 'tool.x', 'a', 1).toString()).toBe('[tool.x]\na = 1\n')
    expect(tomlSet(b('[a]\nb = 1'), 'c', 'd', 2).toString()).toBe('[a]\nb = 1\n\n[c]\nd = 2')
  })

  it('writes dotted keys where the table already uses them', () => {
    const src = b('[tool]\nmypy.strict = true\n')
    expect(tomlSet(src, 'tool.mypy', 'warn_unused_ignores', true).toString()).toBe(
      '[tool]\nmypy.strict = true\nmypy.warn_unused_ignores = true\n',
    )
    expect(tomlSet(b('a.b = 1\n'), 'a', 'b', 2).toString()).toBe('a.b = 2\n')
  })

  it('handles quoted keys and headers with odd spacing', () => {
    const src = b('[ tool . "ruff" ]\n"line-length" = 1\n')
    expect(tomlSet(src, ['tool', 'ruff'], 'line-length', 2).toString()).toBe(
      '[ tool . "ruff" ]\n"line-length" = 2\n',
    )
    expect(tomlGet(src, 'tool.ruff.line-length')).toBe(1)
  })

  it('refuses edits through non-tables and into arrays of tables', () => {
    expect(() => tomlSet(b('[p]\nd = [1]\n'), 'p.d', 'x', 1)).toThrow(/not a table/)
    expect(() => tomlSet(b('[[a]]\nx = 1\n'), 'a', 'y', 1)).toThrow(/array of tables/)
    expect(() => tomlSet(b('[a.b]\nx = 1\n'), 'a', 'b', 1)).toThrow(/a table/)
  })

  it('refuses to edit TOML that does not parse, naming the line', () => {
    try {
      tomlSet(b('[p]\nx = \n'), 'p', 'y', 1)
      expect.unreachable()
    } catch (err) {
      expect(isMomentumError(err) && err.code).toBe('TOML_EDIT_FAILED')
      expect(String(err)).toMatch(/line 2/)
    }
  })

  it('keeps every byte outside the edit on every fixture (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...fixtures()),
        fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/),
        fc.integer({ min: 0, max: 100 }),
        ({ bytes }, pkg, n) => {
          const a = tomlAppend(bytes, 'project', 'dependencies', `${pkg}>=1`)
          const c = tomlSet(a, 'tool.coverage.report', 'fail_under', n)
          expect(onlyInserted(bytes, a)).toBe(true)
          expect(tomlGet(c, 'tool.coverage.report.fail_under')).toBe(n)
          expect(tomlGet(c, 'project.dependencies')).toContain(`${pkg}>=1`)
        },
      ),
      { numRuns: 60 },
    )
  })
})

describe('tomlSerializeValue and helpers', () => {
  it('serialises values as inline TOML', () => {
    expect(tomlSerializeValue('a"b\\c\n\x7f')).toBe('"a\\"b\\\\c\\n\\u007F"')
    expect(tomlSerializeValue([1, 2.5, true, 'x'])).toBe('[1, 2.5, true, "x"]')
    expect(tomlSerializeValue({ a: 1, 'b c': { d: [] } })).toBe('{ a = 1, "b c" = { d = [] } }')
    expect(tomlSerializeValue(Number.POSITIVE_INFINITY)).toBe('inf')
    expect(() => tomlSerializeValue(null)).toThrow(/null/)
    const round = toml(b(`v = ${tomlSerializeValue({ s: 'é"\t', n: -3, l: [{ x: 1 }] })}\n`))
    expect(round).toEqual({ v: { s: 'é"\t', n: -3, l: [{ x: 1 }] } })
  })

  it('splits key paths with quotes', () => {
    expect(splitKeyPath('tool."a.b".c')).toEqual(['tool', 'a.b', 'c'])
    expect(splitKeyPath('')).toEqual([])
  })

  it('finds key lines, including [[array tables]] by index', () => {
    const src = b('name = "t"\n\n[[blocks]]\nname = "a"\n\n[[blocks]]\nname = "b"\nselect = { kind = "x" }\n')
    expect(tomlKeyLine(src, ['name'])).toBe(1)
    expect(tomlKeyLine(src, ['blocks', 1, 'name'])).toBe(7)
    expect(tomlKeyLine(src, ['blocks', 1, 'select', 'kind'])).toBe(8)
    expect(tomlKeyLine(src, ['blocks', 0, 'missing'])).toBe(3)
  })

  it('lists tables with byte ranges', () => {
    const src = b('[a]\nx = 1\n[[b]]\n[c."d"]\n')
    expect(tomlTables(src).map((t) => [t.header.join('.'), t.kind])).toEqual([
      ['a', 'table'],
      ['b', 'array_table'],
      ['c.d', 'table'],
    ])
  })
})
