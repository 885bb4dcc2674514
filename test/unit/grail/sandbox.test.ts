import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { type GrailError, isGrailError, loadPym, loadPymSource, runPym } from '../../../src/grail/index.js'
import { instrument } from '../../../src/grail/probe.js'

async function failure(p: Promise<unknown> | (() => unknown)): Promise<GrailError> {
  try {
    await (typeof p === 'function' ? p() : p)
  } catch (err) {
    if (isGrailError(err)) return err
    throw err
  }
  throw new Error('expected a failure')
}

describe('sandbox', () => {
  const escapes: [string, string][] = [
    ['open()', 'x = 1\nopen("/etc/passwd").read()\n'],
    ['__import__', 'x = 1\n__import__("os").getenv("HOME")\n'],
    ['eval', 'x = 1\neval("1 + 1")\n'],
    ['exec', 'x = 1\nexec("import os")\n'],
    ['dunder walk', 'x = 1\n().__class__.__base__.__subclasses__()\n'],
  ]
  for (const [name, src] of escapes) {
    it(`refuses ${name} at run time`, async () => {
      const err = await failure(runPym(loadPymSource('esc.pym', Buffer.from(src))))
      expect(err.data).toMatchObject({ grail: 'ExecutionError', script: 'esc.pym' })
      expect(err.data.line).toBe(2)
    })
  }

  it('refuses `import os` before running (E005)', async () => {
    const err = await failure(() => loadPymSource('os.pym', Buffer.from('import os\nos.environ["HOME"]\n')))
    expect(err.code).toBe('SCRIPT_CHECK_FAILED')
    expect(err.message).toBe("os.pym:1:1 E005 Import 'os' is not allowed in .pym scripts")
  })
})

describe('line mapping', () => {
  const src = [
    'from __future__ import annotations', // 1
    'from grail import external, Input', // 2
    '', // 3
    'name: str = Input(', // 4
    '    "name",', // 5
    '    default="x",', // 6
    ')', // 7
    '', // 8
    '', // 9
    '@external', // 10
    'def log(', // 11
    '    message: str,', // 12
    ') -> None:', // 13
    '    """Write a line."""', // 14
    '    ...', // 15
    '', // 16
    '', // 17
    'def boom(v):', // 18
    '    return {"k": 1}[v]', // 19
    '', // 20
    '', // 21
    'log(name)', // 22
    'boom(name)', // 23
    '',
  ].join('\n')

  it('keeps every statement on its .pym line after stripping declarations', () => {
    const script = loadPymSource('map.pym', Buffer.from(src))
    const original = src.split('\n')
    const stripped = script.code.split('\n')
    expect(stripped).toHaveLength(original.length)
    for (const n of [18, 19, 22, 23]) expect(stripped[n - 1]).toBe(original[n - 1])
    expect(stripped[0]).toBe('')
    expect(stripped[10]).toMatch(/^def log\(\*args, \*\*kwargs\): return __grail_ext_log/)
  })

  it('reports runtime errors with the original line numbers and a .pym traceback', async () => {
    const err = await failure(
      runPym(loadPymSource('map.pym', Buffer.from(src)), { externals: { log: () => null } }),
    )
    expect(err.data).toMatchObject({ grail: 'ExecutionError', line: 19, pythonType: 'KeyError' })
    expect(err.message).toBe('map.pym:19: KeyError: x')
    expect(String(err.data.traceback)).toContain('File "map.pym", line 23')
    expect(String(err.data.traceback)).toContain('File "map.pym", line 19')
  })

  it('reports syntax Monty does not support as a ParseError at the .pym line', async () => {
    const bad = 'from grail import Input\n\nn: int = Input("n", default=1)\n\n\ntype Alias = int\nn\n'
    const err = await failure(() => loadPymSource('alias.pym', Buffer.from(bad)))
    expect(err.code).toBe('SCRIPT_PARSE')
    expect(err.data).toMatchObject({ grail: 'ParseError', line: 6 })
  })

  it('reports tree-sitter syntax errors as ParseError (E013) with file, line and fix', async () => {
    const err = await failure(() => loadPymSource('syn.pym', Buffer.from('x = 1\ny = (2,\n')))
    expect(err.code).toBe('SCRIPT_PARSE')
    expect(err.message).toMatch(/^syn\.pym:2:\d+ E013 /)
    expect(err.hint).toContain('fix')
  })

  it('declares an unknown external: error with file, line and fix', async () => {
    const bad =
      'from grail import external\n\n\n@external\ndef shell(cmd: str) -> str:\n    ...\n\n\nshell("ls")\n'
    const err = await failure(() => loadPymSource('ext.pym', Buffer.from(bad)))
    expect(err.code).toBe('SCRIPT_CHECK_FAILED')
    expect(err.message).toBe("ext.pym:4:1 E014 Declares unknown external 'shell'")
    expect(err.hint).toContain('node_text')
  })

  it('instruments every statement for the timeout probe without breaking the code', () => {
    const code = 'x = 0\nif x: y = 1; z = 2\nwhile True:\n    x = x + 1\n'
    const out = instrument(code)
    expect(out).toContain('__grail_tick__(2)\nif x: __grail_tick__(2); y = 1; __grail_tick__(2); z = 2')
    expect(out).toContain('    __grail_tick__(4)\n    x = x + 1')
  })
})

describe('loadPym cache', () => {
  const dir = mkdtempSync(join(tmpdir(), 'grail-cache-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('returns the cached script for an unchanged file and reloads a changed one', async () => {
    const file = join(dir, 's.pym')
    writeFileSync(file, '1 + 1\n')
    const a = loadPym(file)
    const b = loadPym(file)
    expect(b).toBe(a)
    writeFileSync(file, '2 + 2\n')
    const c = loadPym(file)
    expect(c).not.toBe(a)
    expect(await runPym(c)).toBe(4)
    expect(loadPym(file, { knownExternals: ['x'] })).not.toBe(c)
  })

  it('reports a missing file as SCRIPT_NOT_FOUND', () => {
    expect(() => loadPym(join(dir, 'nope.pym'))).toThrow(
      expect.objectContaining({ code: 'SCRIPT_NOT_FOUND' }),
    )
  })

  it('keeps warnings on the loaded script', () => {
    const s = loadPymSource(
      'w.pym',
      Buffer.from('from grail import Input\n\nx: int = Input("x", default=1)\n2\n'),
    )
    expect(s.diagnostics.map((d) => d.code)).toEqual(['W003'])
  })
})
