import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkPym, formatDiagnostic, HOST_EXTERNALS } from '../../../src/grail/index.js'

const DIR = join(import.meta.dirname, '../../fixtures/grail/checks')

/** `# expect CODE` markers name the diagnostics a fixture must produce, on the marker's line. */
function expected(source: string): string[] {
  const out: string[] = []
  source.split('\n').forEach((line, i) => {
    for (const m of line.matchAll(/# expect ([EW]\d{3})/g)) out.push(`${m[1]}@${i + 1}`)
  })
  return out.sort()
}

describe('checkPym fixtures', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.pym'))
  it('has a fixture for every check code', () => {
    const codes = files.map((f) => f.replace('.pym', ''))
    for (let i = 1; i <= 16; i++) expect(codes).toContain(`E${String(i).padStart(3, '0')}`)
    for (const w of ['W002', 'W003', 'W004']) expect(codes).toContain(w)
  })
  for (const file of files) {
    it(`${file} reports exactly its expected diagnostics`, () => {
      const source = readFileSync(join(DIR, file))
      const diags = checkPym(`checks/${file}`, source)
      const got = diags.map((d) => `${d.code}@${d.line}`).sort()
      expect(got, diags.map(formatDiagnostic).join('\n')).toEqual(expected(source.toString()))
    })
  }
})

describe('checkPym details', () => {
  const check = (src: string, opts = {}) => checkPym('s.pym', Buffer.from(src), opts)

  it('formats diagnostics as file:line:col CODE message with 1-based positions', () => {
    const [d] = check('x = 1\nif x:\n    del x\n')
    expect(d && formatDiagnostic(d)).toBe("s.pym:3:5 E011 'del' is not allowed in .pym scripts")
    expect(d?.severity).toBe('error')
    expect(d?.hint).not.toBe('')
  })

  it('counts columns in UTF-8 bytes after non-ASCII text', () => {
    const [d] = check('s = "é"; del s\n')
    expect(d?.code).toBe('E011')
    expect(d?.col).toBe(Buffer.byteLength('s = "é"; ') + 1)
  })

  it('allows typing and __future__ imports and aliased grail imports (E005 negative)', () => {
    const diags = check(
      'from __future__ import annotations\nimport typing as t\nfrom typing import Any\nimport grail\nx: Any = 1\nx\n',
    )
    expect(diags).toEqual([])
  })

  it('flags relative imports and each non-allowed module of a multi-import', () => {
    const codes = check('import typing, json, re\nfrom . import sibling\n').map((d) => `${d.code}@${d.line}`)
    expect(codes).toEqual(['E005@1', 'E005@1', 'E005@2'])
  })

  it('reports yield from and lambdas nested anywhere', () => {
    const codes = check('def g(x):\n    yield from x\n\n\nf = [lambda: 1]\n').map((d) => d.code)
    expect(codes).toEqual(['E002', 'E012'])
  })

  it('knows grail.external and grail.Input through `import grail`', () => {
    const src =
      'import grail\n\nn: int = grail.Input("n")\n\n\n@grail.external\ndef log(message: str) -> None: ...\n\n\nlog(str(n))\n'
    expect(check(src)).toEqual([])
  })

  it('takes the known externals as an option (E014) and can skip the host check', () => {
    const src =
      'from grail import external\n\n\n@external\ndef fetch(url: str) -> str:\n    ...\n\n\nfetch("x")\n'
    expect(check(src).map((d) => d.code)).toEqual(['E014'])
    expect(check(src, { knownExternals: ['fetch'] })).toEqual([])
    expect(check(src, { knownExternals: null })).toEqual([])
    const unknown = check(src)[0]
    expect(unknown?.hint).toContain(HOST_EXTERNALS.map((e) => e.name).join(', '))
  })

  it('accepts every host external declared as documented (E015 negative)', () => {
    const decls = HOST_EXTERNALS.map(
      (e) =>
        `@external\n${e.async ? 'async ' : ''}def ${e.name}(${e.params.map((p) => `${p.name}: ${p.type}`).join(', ')}) -> ${e.returns}:\n    ...\n`,
    )
    const uses = HOST_EXTERNALS.map((e) => `${e.name}`).join(', ')
    const src = `from typing import Any\nfrom grail import external\n\n${decls.join('\n')}\n[${uses}]\n`
    expect(check(src).map(formatDiagnostic)).toEqual([])
  })

  it('flags a parameter type that contradicts the host', () => {
    const src =
      'from grail import external\n\n\n@external\ndef log(message: int) -> None:\n    ...\n\n\nlog(1)\n'
    expect(check(src).map((d) => d.code)).toEqual(['E015'])
  })

  it('does not count assignment targets or keyword names as uses (W003)', () => {
    const src =
      'from grail import Input\n\nx: int = Input("x")\n\n\ndef f(x=0):\n    return x\n\n\ny = dict(x=1)\ny\n'
    // the parameter x and the keyword x= are different names; the function body reads its own x
    expect(check(src).map((d) => d.code)).toEqual([])
    const unused = 'from grail import Input\n\nx: int = Input("x")\nz = 1\nz\n'
    expect(check(unused).map((d) => `${d.code}@${d.line}`)).toEqual(['W003@3'])
  })

  it('does not warn about a 200-line script (W004 negative)', () => {
    const src = Array.from({ length: 200 }, (_, i) => `x${i} = ${i}`).join('\n')
    expect(check(`${src}\n`)).toEqual([])
  })
})
