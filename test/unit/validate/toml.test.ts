import { describe, expect, it } from 'vitest'
import { tomlCheck } from '../../../src/validate/toml.js'

const b = (s: string): Buffer => Buffer.from(s, 'utf8')

const GOOD_PYPROJECT = `# A realistic pyproject with comments and odd spacing
[build-system]
requires = ["setuptools>=68", "wheel"]
build-backend = "setuptools.build_meta"

[project]
name = "demo-pkg"
version = "0.3.1"
description = "Démo — ünïcode is fine"
requires-python = ">=3.9"
dependencies = [
    "requests>=2.31,<3",   # http
    'tomli; python_version < "3.11"',
    "rich[jupyter] ~= 13.7",
]

[project.optional-dependencies]
test = ["pytest>=8", "pytest-cov>=4.1"]

[project.scripts]
demo = "demo_pkg.cli:main"
"démo-two" = "demo_pkg.cli:App.run"

[tool.pytest.ini_options]
addopts = "-q --cov=demo_pkg"
testpaths = ["tests"]

[tool.coverage.report]
fail_under = 80
show_missing = true

[tool.ruff]
line-length = 100
`

const pyproject = (text: string) => tomlCheck(b(text), { pyproject: true })

describe('tomlCheck: parsing', () => {
  it('passes valid TOML and names itself', () => {
    const r = tomlCheck(b('a = 1\n[t]\nb = "x"\n'))
    expect(r).toMatchObject({ name: 'toml', ok: true, diagnostics: [] })
    expect(r.durationMs).toBeGreaterThanOrEqual(0)
  })

  it.each([
    ['duplicate key', 'a = 1\na = 2\n', 2],
    ['redefined table', '[x]\na = 1\n[x]\nb = 2\n', 3],
    ['unterminated string', 'a = "x\n', 1],
    ['bare value', 'a = what\n', 1],
    ['key redefined by dotted key', 'a = 1\na.b = 2\n', 2],
  ])('fails on %s with the line', (_label, text, line) => {
    const r = tomlCheck(b(text), { path: 'x.toml' })
    expect(r.ok).toBe(false)
    expect(r.diagnostics).toHaveLength(1)
    expect(r.diagnostics[0]).toMatch(new RegExp(`^x\\.toml:${line}:\\d+ `))
  })

  it('accepts CRLF line endings and a UTF-8 BOM', () => {
    const text =
      '\ufeff[project]\r\nname = "crlf"\r\nversion = "1.0"\r\ndependencies = [\r\n  "requests",\r\n]\r\n'
    expect(tomlCheck(b(text), { pyproject: true }).diagnostics).toEqual([])
  })

  it('rejects invalid UTF-8', () => {
    const r = tomlCheck(Buffer.from([0x61, 0x20, 0x3d, 0x20, 0x22, 0xff, 0x22, 0x0a]))
    expect(r.ok).toBe(false)
    expect(r.diagnostics[0]).toContain('invalid UTF-8')
  })

  it('does not apply the pyproject schema unless asked', () => {
    expect(tomlCheck(b('[project]\ndependencies = ["not a spec !!"]\n')).ok).toBe(true)
  })
})

describe('tomlCheck: pyproject schema', () => {
  it('accepts a realistic pyproject.toml', () => {
    const r = pyproject(GOOD_PYPROJECT)
    expect(r.diagnostics).toEqual([])
    expect(r).toMatchObject({ name: 'pyproject', ok: true })
  })

  it('accepts a file without a [project] table, and a dynamic version', () => {
    expect(pyproject('[tool.black]\nline-length = 88\n').ok).toBe(true)
    expect(pyproject('[project]\nname = "x"\ndynamic = ["version"]\n').ok).toBe(true)
  })

  it('names a bad dependency with its index, the reason and the column', () => {
    const text = GOOD_PYPROJECT.replace('"rich[jupyter] ~= 13.7"', '"rich >= "')
    const r = pyproject(text)
    expect(r.ok).toBe(false)
    expect(r.diagnostics).toEqual([
      `pyproject.toml: project.dependencies[2]: invalid PEP 508 dependency "rich >= ": expected a version after '>=' (column 9)`,
    ])
  })

  it.each([
    [
      'optional dependency',
      '[project]\nname="x"\nversion="1"\n[project.optional-dependencies]\ntest = ["pytest>=>8"]\n',
      'project.optional-dependencies.test[0]',
    ],
    [
      'script without attr',
      '[project]\nname="x"\nversion="1"\n[project.scripts]\nx = "pkg.cli"\n',
      'project.scripts.x',
    ],
    [
      'script with spaces',
      '[project]\nname="x"\nversion="1"\n[project.scripts]\nx = "pkg cli:main"\n',
      'project.scripts.x',
    ],
    ['project name', '[project]\nname="-bad-"\nversion="1"\n', 'project.name'],
    ['version', '[project]\nname="x"\nversion="one"\n', 'project.version'],
    ['missing version', '[project]\nname="x"\n', 'project.version'],
    [
      'version both static and dynamic',
      '[project]\nname="x"\nversion="1"\ndynamic=["version"]\n',
      'project.dynamic',
    ],
    [
      'dependencies as a string',
      '[project]\nname="x"\nversion="1"\ndependencies = "requests"\n',
      'project.dependencies',
    ],
    [
      'requires-python',
      '[project]\nname="x"\nversion="1"\nrequires-python = "3.9"\n',
      'project.requires-python',
    ],
    [
      'build requires missing',
      '[build-system]\nbuild-backend = "hatchling.build"\n',
      'build-system.requires',
    ],
    ['build requires entry', '[build-system]\nrequires = ["setuptools>="]\n', 'build-system.requires[0]'],
    [
      'build backend',
      '[build-system]\nrequires = []\nbuild-backend = "not a module"\n',
      'build-system.build-backend',
    ],
    ['pytest addopts', '[tool.pytest.ini_options]\naddopts = 3\n', 'tool.pytest.ini_options.addopts'],
    ['coverage over 100', '[tool.coverage.report]\nfail_under = 101\n', 'tool.coverage.report.fail_under'],
    ['coverage negative', '[tool.coverage.run]\nfail_under = -1\n', 'tool.coverage.run.fail_under'],
    ['coverage as string', '[tool.coverage.report]\nfail_under = "80"\n', 'tool.coverage.report.fail_under'],
  ])('rejects a bad %s', (_label, text, keyPath) => {
    const r = pyproject(text)
    expect(r.ok).toBe(false)
    expect(r.diagnostics.some((d) => d.startsWith(`pyproject.toml: ${keyPath}: `))).toBe(true)
  })

  it.each([
    ['addopts as a list', '[tool.pytest.ini_options]\naddopts = ["-q", "--cov"]\n'],
    ['fractional coverage', '[tool.coverage.report]\nfail_under = 87.5\n'],
    ['coverage bounds', '[tool.coverage.report]\nfail_under = 0\n[tool.coverage.xml]\nfail_under = 100\n'],
    [
      'unknown tools and keys',
      '[tool.whatever]\nx = [1, {a = 2}]\n[project]\nname="x"\nversion="1"\nurls = {Home = "https://x"}\n',
    ],
    [
      'an entry point with extras',
      '[project]\nname="x"\nversion="1"\n[project.scripts]\nx = "pkg.cli:main [extra]"\n',
    ],
  ])('accepts %s', (_label, text) => {
    expect(pyproject(text).diagnostics).toEqual([])
  })

  it('reports only problems under the scope of a node-level check', () => {
    const text =
      '[project]\nname="x"\nversion="1"\ndependencies=["ok"]\n[tool.coverage.report]\nfail_under = 101\n'
    expect(tomlCheck(b(text), { pyproject: true, scope: ['project'] }).ok).toBe(true)
    const scoped = tomlCheck(b(text), { pyproject: true, scope: ['tool', 'coverage'] })
    expect(scoped.ok).toBe(false)
    expect(scoped.diagnostics).toHaveLength(1)
  })

  it('still fails a scoped check when the file does not parse', () => {
    expect(tomlCheck(b('[project]\nname = \n'), { pyproject: true, scope: ['tool'] }).ok).toBe(false)
  })
})
