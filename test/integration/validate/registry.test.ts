import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ValidateConfigSchema } from '../../../src/config/schema.js'
import { validatorsFor } from '../../../src/validate/registry.js'
import { makeRepo, type TempRepo } from '../../support/repo.js'

// The orchestrator's view: ask the registry for a level's validators and run them in a real repo.
const config = ValidateConfigSchema.parse({
  commands: [{ name: 'unittest', run: ['python3', '-m', 'unittest', '-q'], level: 'repo' }],
})

let repo: TempRepo
beforeAll(async () => {
  repo = await makeRepo({
    'calc.py': 'def add(a: int, b: int) -> int:\n    return a + b\n',
    'test_calc.py':
      'import unittest\n\nfrom calc import add\n\n\nclass T(unittest.TestCase):\n    def test_add(self) -> None:\n        self.assertEqual(add(2, 2), 4)\n',
  })
})
afterAll(async () => {
  await repo.cleanup()
})

describe('validators from the registry, run in a repo', () => {
  it('file level: ruff and pyright pass a good file and fail a broken one', async () => {
    const validators = validatorsFor('file', 'python', config)
    const good = await Promise.all(validators.map((v) => v.run({ dir: repo.path, path: 'calc.py' })))
    expect(good.map((r) => [r.name, r.ok])).toEqual([
      ['ruff', true],
      ['pyright', true],
    ])
    repo.write('calc.py', 'import os\n\n\ndef add(a: int, b: int) -> str:\n    return a + b\n')
    const bad = await Promise.all(validators.map((v) => v.run({ dir: repo.path, path: 'calc.py' })))
    expect(bad.map((r) => [r.name, r.ok])).toEqual([
      ['ruff', false],
      ['pyright', false],
    ])
    repo.git('checkout', '--', 'calc.py')
  })

  it('repo level: the configured command passes, then fails on a broken test, leaving no stray files', async () => {
    const [unittest] = validatorsFor('repo', null, config)
    expect((await unittest!.run({ dir: repo.path, path: '' })).ok).toBe(true)
    repo.write(
      'test_calc.py',
      'import unittest\n\n\nclass T(unittest.TestCase):\n    def test_fail(self) -> None:\n        self.assertEqual(1, 2)\n',
    )
    const failed = await unittest!.run({ dir: repo.path, path: '' })
    expect(failed.ok).toBe(false)
    expect(failed.diagnostics[1]).toContain('AssertionError: 1 != 2')
    repo.git('checkout', '--', 'test_calc.py')
    // No __pycache__ or config files left for the range guard to trip over.
    expect(repo.git('status', '--porcelain', '--ignored')).toBe('')
  })
})
