import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MomentumError } from '../../../src/errors/index.js'
import { pyrightCheck } from '../../../src/validate/pyright.js'
import { detectSandbox } from '../../../src/validate/sandbox.js'

// A sparse sandbox: only the checked files, no pyproject, no venv, third-party imports unresolvable.
const FILES: Record<string, string> = {
  'good.py':
    'import requests  # not installed in the sandbox\n\n\ndef inc(a: int) -> int:\n    return a + 1\n',
  'bad.py': 'def name(a: int) -> str:\n    return a\n',
  'helpers.py': 'def count() -> int:\n    return 1\n',
  'uses_local.py': 'from helpers import count\n\nlabel: str = count()\n',
  'café.py': 'def grüße(名前: str) -> str:\n    return "Hallo " + 名前\n',
  'warns.py': 'def f() -> None:\n    1 + 1\n',
}

let dir: string

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'momentum-pyright-test-'))
  for (const [name, text] of Object.entries(FILES)) await writeFile(join(dir, name), text)
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('pyrightCheck', () => {
  it('passes a well-typed file whose third-party import cannot be resolved', async () => {
    const r = await pyrightCheck(dir, ['good.py', 'café.py'])
    expect(r.diagnostics).toEqual([])
    expect(r).toMatchObject({ name: 'pyright', ok: true })
  })

  it('fails a real type error with path:line:col and the rule', async () => {
    const r = await pyrightCheck(dir, ['bad.py'])
    expect(r.ok).toBe(false)
    expect(r.diagnostics).toHaveLength(1)
    expect(r.diagnostics[0]).toMatch(/^bad\.py:2:12 error: Type "int" is not assignable to return type "str"/)
    expect(r.diagnostics[0]).toContain('(reportReturnType)')
  })

  it('lists warnings without failing', async () => {
    const r = await pyrightCheck(dir, ['warns.py'])
    expect(r.ok).toBe(true)
    expect(r.diagnostics).toEqual([
      expect.stringMatching(/^warns\.py:2:5 warning: .*\(reportUnusedExpression\)$/),
    ])
  })

  it('resolves sibling modules of the sandbox', async () => {
    const r = await pyrightCheck(dir, ['uses_local.py'])
    expect(r.ok).toBe(false)
    expect(r.diagnostics[0]).toMatch(
      /^uses_local\.py:3:14 error: Type "int" is not assignable to declared type "str"/,
    )
  })

  it('leaves nothing behind in the checked directory', async () => {
    await pyrightCheck(dir, ['good.py'], { sandbox: 'none' })
    expect((await readdir(dir)).sort()).toEqual(Object.keys(FILES).sort())
  })

  it('gives the same verdict with and without the bwrap sandbox', async (ctx) => {
    const sandbox = await detectSandbox('auto')
    if (sandbox.kind !== 'bwrap') ctx.skip()
    const inside = await pyrightCheck(dir, ['bad.py', 'good.py'], { sandbox: 'bwrap' })
    const outside = await pyrightCheck(dir, ['bad.py', 'good.py'], { sandbox: 'none' })
    expect(inside.ok).toBe(false)
    expect(inside.diagnostics).toEqual(outside.diagnostics)
  })

  it('times out cleanly', async () => {
    const r = await pyrightCheck(dir, ['good.py'], { timeoutMs: 1, sandbox: 'none' })
    expect(r.ok).toBe(false)
    expect(r.diagnostics).toEqual(['pyright: timed out after 1 ms and was killed'])
  })

  it('is skipped, not run, with no files', async () => {
    expect(await pyrightCheck(dir, [])).toMatchObject({ ok: true, skipped: 'no Python files to check' })
  })

  it('refuses files that are missing or outside the directory', async () => {
    await expect(pyrightCheck(dir, ['nope.py'])).rejects.toSatisfy(
      (e) => e instanceof MomentumError && e.code === 'PATH_MISSING',
    )
    await expect(pyrightCheck(dir, ['../etc/passwd'])).rejects.toSatisfy(
      (e) => e instanceof MomentumError && e.code === 'PATH_OUTSIDE_REPO',
    )
  })
})
