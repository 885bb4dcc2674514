import { describe, expect, it } from 'vitest'
import { MomentumError } from '../../../src/errors/index.js'
import { ruffCheck, ruffFormat } from '../../../src/validate/ruff.js'

const b = (s: string): Buffer => Buffer.from(s, 'utf8')
const EF = { path: 'pkg/mod.py', select: ['E', 'F'] }

const GOOD = `"""A small module."""

import os


def cwd_name() -> str:
    """Return the name of the working directory."""
    return os.path.basename(os.getcwd())


class Greeter:
    def greet(self, who: str) -> str:
        return f"hello {who}"
`

describe('ruffCheck', () => {
  it('passes clean code', () => {
    const r = ruffCheck(b(GOOD), EF)
    expect(r).toMatchObject({ name: 'ruff', ok: true, diagnostics: [] })
  })

  it('reports rule hits as path:line:col CODE message', () => {
    const r = ruffCheck(b('import os\n\n\ndef f():\n    return undefined_name\n'), EF)
    expect(r.ok).toBe(false)
    expect(r.diagnostics).toEqual([
      'pkg/mod.py:1:8 F401 `os` imported but unused',
      'pkg/mod.py:5:12 F821 Undefined name `undefined_name`',
    ])
  })

  it('fails on a syntax error', () => {
    const r = ruffCheck(b('def broken(:\n    pass\n'), EF)
    expect(r.ok).toBe(false)
    expect(r.diagnostics[0]).toMatch(/^pkg\/mod\.py:1:\d+ invalid-syntax /)
  })

  it('fails on a syntax error even when no rules are selected', () => {
    expect(ruffCheck(b('class X\n'), { path: 'x.py', select: [] }).ok).toBe(false)
    expect(ruffCheck(b('x = 1\n'), { path: 'x.py', select: [] }).ok).toBe(true)
  })

  it('counts columns in characters on non-ASCII lines', () => {
    const src = 'café = "日本語 🎉"; unused_thing = café\n'
    const r = ruffCheck(b(src), EF)
    // `;` is the 15th code point of the line: 16th in UTF-16 (the emoji is a pair), 25th byte.
    expect(r.diagnostics).toEqual(['pkg/mod.py:1:15 E702 Multiple statements on one line (semicolon)'])
  })

  it('accepts non-ASCII identifiers, strings and docstrings', () => {
    const src = 'def grüße(名前: str) -> str:\n    """Grüße 🎉 — 你好."""\n    return f"Hallo {名前}"\n'
    expect(ruffCheck(b(src), EF).diagnostics).toEqual([])
  })

  it('handles CRLF line endings', () => {
    const src = GOOD.replaceAll('\n', '\r\n')
    expect(ruffCheck(b(src), { ...EF, select: ['E', 'F', 'W'] }).diagnostics).toEqual([])
    const bad = 'import os\r\nx = 1\r\n'
    expect(ruffCheck(b(bad), EF).diagnostics).toEqual(['pkg/mod.py:1:8 F401 `os` imported but unused'])
  })

  it('ignores a UTF-8 BOM (columns as in the visible text)', () => {
    const r = ruffCheck(b('\ufeffimport os\n'), EF)
    expect(r.diagnostics).toEqual(['pkg/mod.py:1:8 F401 `os` imported but unused'])
  })

  it('fails on bytes that are not UTF-8', () => {
    const r = ruffCheck(Buffer.from([0x78, 0x20, 0x3d, 0x20, 0xff, 0x0a]), EF)
    expect(r.ok).toBe(false)
    expect(r.diagnostics[0]).toContain('not valid UTF-8')
  })

  it('limits rule hits to a node line range but keeps syntax errors from anywhere', () => {
    const src = 'import os\n\n\ndef f():\n    return undefined_name\n'
    expect(ruffCheck(b(src), { ...EF, lines: { start: 4, end: 5 } }).diagnostics).toEqual([
      'pkg/mod.py:5:12 F821 Undefined name `undefined_name`',
    ])
    expect(ruffCheck(b(src), { ...EF, lines: { start: 1, end: 3 } }).diagnostics).toHaveLength(1)
    const broken = 'def a(:\n    pass\n\n\ndef b():\n    return 1\n'
    expect(ruffCheck(b(broken), { ...EF, lines: { start: 5, end: 6 } }).ok).toBe(false)
  })

  it('honours the selection and line length', () => {
    const long = `x = "${'a'.repeat(100)}"\n`
    expect(ruffCheck(b(long), { path: 'l.py', select: ['E501'] }).ok).toBe(false)
    expect(ruffCheck(b(long), { path: 'l.py', select: ['E501'], lineLength: 120 }).ok).toBe(true)
    expect(ruffCheck(b('import os\n'), { path: 'l.py', select: ['E501'] }).ok).toBe(true)
  })

  it('gives the same answer from a cached workspace, whatever the selector order', () => {
    const src = b('import os\n')
    const first = ruffCheck(src, { path: 'a.py', select: ['F', 'E'] })
    const second = ruffCheck(src, { path: 'a.py', select: ['E', 'F'] })
    expect(second.diagnostics).toEqual(first.diagnostics.map((d) => d.replace('a.py', 'a.py')))
  })

  it('rejects an unknown rule selector as a config error', () => {
    let caught: unknown
    try {
      ruffCheck(b('x = 1\n'), { path: 'x.py', select: ['NOPE999'] })
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(MomentumError)
    expect((caught as MomentumError).code).toBe('CONFIG_INVALID')
  })
})

describe('ruffFormat', () => {
  it('formats and keeps a BOM', () => {
    const out = ruffFormat(b('\ufeffx=[1,2 ,3]\n'), { path: 'f.py' })
    expect(out.toString('utf8')).toBe('\ufeffx = [1, 2, 3]\n')
  })

  it('throws on a syntax error', () => {
    expect(() => ruffFormat(b('def (:\n'), { path: 'f.py' })).toThrow(MomentumError)
  })
})
