import { describe, expect, it } from 'vitest'
import { ValidateConfigSchema } from '../../../src/config/schema.js'
import { validatorsFor } from '../../../src/validate/registry.js'

const config = ValidateConfigSchema.parse({
  commands: [
    { name: 'pytest-unit', run: ['python3', '-m', 'pytest', '-q'], level: 'directory' },
    { name: 'pytest-all', run: ['python3', '-m', 'pytest'], level: 'repo' },
    { name: 'mypy', run: ['mypy', '.'] },
  ],
})
const names = (vs: { name: string }[]): string[] => vs.map((v) => v.name)

describe('validatorsFor', () => {
  it('gives each level and language its validators', () => {
    expect(names(validatorsFor('node', 'python', config))).toEqual(['ruff'])
    expect(names(validatorsFor('file', 'python', config))).toEqual(['ruff', 'pyright'])
    expect(names(validatorsFor('node', 'toml', config))).toEqual(['toml'])
    expect(names(validatorsFor('file', 'toml', config))).toEqual(['toml'])
    expect(names(validatorsFor('file', 'markdown', config))).toEqual([])
    expect(names(validatorsFor('directory', null, config))).toEqual(['pytest-unit'])
    expect(names(validatorsFor('repo', null, config))).toEqual(['pytest-all', 'mypy'])
  })

  it('honours ruff and pyright switches', () => {
    const off = ValidateConfigSchema.parse({ ruff: false, pyright: false })
    expect(validatorsFor('file', 'python', off)).toEqual([])
    const noPyright = ValidateConfigSchema.parse({ pyright: false })
    expect(names(validatorsFor('file', 'python', noPyright))).toEqual(['ruff'])
  })

  it('runs node-level Ruff on the node lines only', async () => {
    const [ruff] = validatorsFor('node', 'python', config)
    const bytes = Buffer.from('import os\n\n\ndef f():\n    return 1\n')
    const inNode = await ruff!.run({ dir: '/unused', path: 'm.py', bytes, lines: { start: 4, end: 5 } })
    expect(inNode.ok).toBe(true)
    const whole = await ruff!.run({ dir: '/unused', path: 'm.py', bytes })
    expect(whole.diagnostics).toEqual(['m.py:1:8 F401 `os` imported but unused'])
  })

  it('file-level Ruff ignores a node range', async () => {
    const [ruff] = validatorsFor('file', 'python', config)
    const bytes = Buffer.from('import os\n')
    expect((await ruff!.run({ dir: '/unused', path: 'm.py', bytes, lines: { start: 9, end: 9 } })).ok).toBe(
      false,
    )
  })

  it('applies the pyproject schema by file name, scoped at node level', async () => {
    const bytes = Buffer.from(
      '[project]\nname = "x"\nversion = "1"\ndependencies = ["ok"]\n[tool.coverage.report]\nfail_under = 150\n',
    )
    const [fileToml] = validatorsFor('file', 'toml', config)
    const [nodeToml] = validatorsFor('node', 'toml', config)
    expect((await fileToml!.run({ dir: '/unused', path: 'sub/pyproject.toml', bytes })).ok).toBe(false)
    expect((await fileToml!.run({ dir: '/unused', path: 'other.toml', bytes })).ok).toBe(true)
    expect(
      (await nodeToml!.run({ dir: '/u', path: 'pyproject.toml', bytes, tomlScope: ['project'] })).ok,
    ).toBe(true)
    expect((await nodeToml!.run({ dir: '/u', path: 'pyproject.toml', bytes, tomlScope: ['tool'] })).ok).toBe(
      false,
    )
  })
})
