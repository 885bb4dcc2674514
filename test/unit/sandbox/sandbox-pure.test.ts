import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { checkRefName } from '../../../src/git/refname.js'
import { checkRange, trimmedPatch } from '../../../src/sandbox/guard.js'
import { slugFor } from '../../../src/sandbox/names.js'
import { assertOwnership, covers, ownerOf } from '../../../src/sandbox/ownership.js'
import { splice } from '../../../src/sandbox/splice.js'
import { buildMessage, formatTrailers, parseTrailers } from '../../../src/sandbox/trailers.js'

describe('slugs', () => {
  it('are readable, ref-safe and distinct', () => {
    expect(slugFor('src/pkg/mod.py::Cls.meth')).toMatch(/^src-pkg-mod\.py--Cls\.meth-[0-9a-f]{8}$/)
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const sa = slugFor(a)
        expect(checkRefName(`refs/heads/momentum/run/${sa}`)).toBe(true)
        expect(sa.includes('/')).toBe(false)
        if (a !== b) expect(sa).not.toBe(slugFor(b))
      }),
    )
  })
})

describe('trailers', () => {
  it('sanitises values to one line and round-trips', () => {
    const text = formatTrailers({
      'Momentum-Model': 'm\nEvil: 1',
      'Momentum-Validation': ['ruff: pass', 'toml: fail'],
    })
    expect(text).toBe(
      'Momentum-Model: m Evil: 1\nMomentum-Validation: ruff: pass\nMomentum-Validation: toml: fail',
    )
    const msg = buildMessage('subject\n\nbody', {
      'Momentum-Run': 'r1',
      'Momentum-Validation': ['a: pass', 'b: pass'],
    })
    expect(parseTrailers(msg)).toEqual({
      'Momentum-Run': 'r1',
      'Momentum-Validation': ['a: pass', 'b: pass'],
    })
    expect(() => formatTrailers({ 'bad key': 'x' })).toThrow()
  })
})

describe('range guard', () => {
  const base = Buffer.from('HEAD\nclass A:\n  def f(): pass\nTAIL\n')
  const start = base.indexOf('  def f')
  const end = base.indexOf('TAIL')
  it('accepts edits inside the range and returns a patch in base coordinates', () => {
    const after = Buffer.from('HEAD\nclass A:\n  def f(): return 1\nTAIL\n')
    const p = checkRange('a.py', base, after, start, end, 'A.f')
    const { bytes } = splice(base, [p])
    expect(bytes.equals(after)).toBe(true)
    expect(p.start).toBeGreaterThanOrEqual(start)
    expect(p.end).toBeLessThanOrEqual(end)
  })
  it('names the stray bytes outside the range', () => {
    expect(() =>
      checkRange('a.py', base, Buffer.from('HEAD\nclass B:\n  def f(): pass\nTAIL\n'), start, end, 'A.f'),
    ).toThrow(/a\.py:\d+-\d+ is outside A\.f's range/)
    expect(() =>
      checkRange('a.py', base, Buffer.from('HEAD\nclass A:\n  def f(): pass\nTAIL!\n'), start, end, 'A.f'),
    ).toThrow(/RANGE|outside/)
  })
  it('trimmed patches always reproduce the edit (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 40 }),
        fc.uint8Array({ maxLength: 40 }),
        fc.nat(),
        fc.nat(),
        (b, t, x, y) => {
          const before = Buffer.from(b)
          const s = before.length === 0 ? 0 : x % (before.length + 1)
          const e = s + (before.length === 0 ? 0 : y % (before.length - s + 1))
          const text = Buffer.from(t)
          const p = trimmedPatch(before, s, e, text, 'n')
          const expected = Buffer.concat([before.subarray(0, s), text, before.subarray(e)])
          expect(splice(before, [p]).bytes.equals(expected)).toBe(true)
          expect(p.start >= s && p.end <= e).toBe(true)
        },
      ),
    )
  })
})

describe('ownership', () => {
  it('validates, finds owners and checks containment', () => {
    expect(() => assertOwnership([{ path: 'a/../b', whole: true }])).toThrow()
    expect(() => assertOwnership([{ path: 'a.py', start: 5, end: 2 }])).toThrow()
    expect(() =>
      assertOwnership([
        { path: 'a.py', start: 0, end: 2 },
        { path: 'a.py', start: 3, end: 4 },
      ]),
    ).toThrow()
    const owns = [
      { path: 'src/', whole: true as const },
      { path: 'x.py', start: 10, end: 20 },
    ]
    expect(ownerOf(owns, 'src/a/b.py')).toEqual(owns[0])
    expect(ownerOf(owns, 'y.py')).toBeNull()
    expect(covers(owns, { path: 'x.py', start: 12, end: 20 })).toBe(true)
    expect(covers(owns, { path: 'x.py', start: 5, end: 20 })).toBe(false)
    expect(covers(owns, { path: 'src/z.py', whole: true })).toBe(true)
  })
})
