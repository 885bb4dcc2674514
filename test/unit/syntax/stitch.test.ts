import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MomentumError } from '../../../src/errors/index.js'
import {
  discoverFileNodes,
  type LanguageId,
  languageForPath,
  type MNode,
  type Patch,
  stitch,
  walkNodes,
} from '../../../src/syntax/index.js'
import { generatePyCorpus } from '../../support/pycorpus.js'

const FIX = join(import.meta.dirname, '../../fixtures/syntax')
const fixtures = readdirSync(FIX).map((name) => ({ name, bytes: readFileSync(join(FIX, name)) }))
const generated = generatePyCorpus(99, 60)
const files: { name: string; bytes: Buffer; lang: LanguageId }[] = [
  ...fixtures.map((f) => ({ ...f, lang: languageForPath(f.name)! })),
  ...generated.map((f) => ({ ...f, lang: 'python' as const })),
]
const agents = (root: MNode): MNode[] => [...walkNodes(root)].filter((n) => n.kind !== 'file')
const self = (b: Buffer, n: MNode): Patch => ({
  start: n.startByte,
  end: n.endByte,
  text: Buffer.from(b.subarray(n.startByte, n.endByte)),
  nodeId: n.id,
})
const errorOf = (fn: () => unknown): MomentumError => {
  try {
    fn()
  } catch (err) {
    if (err instanceof MomentumError) return err
    throw err
  }
  throw new Error('expected an error')
}

describe('lossless re-stitching (property)', () => {
  it('no patches returns identical bytes for every fixture and generated file', () => {
    for (const f of files) expect(stitch(f.lang, f.bytes, []).bytes.equals(f.bytes), f.name).toBe(true)
  })

  it('replacing any set of non-overlapping nodes with their own text returns identical bytes', () => {
    const cases = files.map((f) => ({ f, nodes: agents(discoverFileNodes(f.name, f.bytes, f.lang)) }))
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: cases.length - 1 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (i, picks) => {
          const { f, nodes } = cases[i]!
          if (nodes.length === 0) return
          const chosen: MNode[] = []
          for (const p of picks) {
            const n = nodes[p % nodes.length]!
            if (chosen.every((c) => n.endByte <= c.startByte || n.startByte >= c.endByte)) chosen.push(n)
          }
          const out = stitch(
            f.lang,
            f.bytes,
            chosen.map((n) => self(f.bytes, n)),
          )
          expect(out.bytes.equals(f.bytes)).toBe(true)
        },
      ),
      { numRuns: 200 },
    )
  })

  it('each node alone replaced by its own text returns identical bytes', () => {
    for (const f of files) {
      for (const n of agents(discoverFileNodes(f.name, f.bytes, f.lang))) {
        expect(stitch(f.lang, f.bytes, [self(f.bytes, n)]).bytes.equals(f.bytes), n.id).toBe(true)
      }
    }
  })

  it('bytes outside the patched ranges never change (random edits)', () => {
    const b = Buffer.from('abcdefghijklmnopqrstuvwxyz0123456789\n')
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(36), fc.nat(6), fc.string({ maxLength: 5 })), { maxLength: 6 }),
        (raw) => {
          const patches: Patch[] = []
          for (const [s, w, t] of raw) {
            const p = {
              start: s,
              end: Math.min(36, s + w),
              text: Buffer.from(t),
              nodeId: `n${patches.length}`,
            }
            if (
              patches.every(
                (q) =>
                  p.end <= q.start ||
                  p.start >= q.end ||
                  (p.start === p.end && (p.start === q.start || p.start === q.end)),
              )
            ) {
              if (p.start === p.end && patches.some((q) => q.start === q.end && q.start === p.start)) continue
              patches.push(p)
            }
          }
          const out = stitch('markdown', b, patches).bytes
          const sorted = [...patches].sort((x, y) => x.start - y.start || x.end - y.end)
          let pos = 0
          let outPos = 0
          for (const p of sorted) {
            expect(out.subarray(outPos, outPos + p.start - pos).equals(b.subarray(pos, p.start))).toBe(true)
            outPos += p.start - pos + p.text.length
            pos = p.end
          }
          expect(out.subarray(outPos).equals(b.subarray(pos))).toBe(true)
        },
      ),
      { numRuns: 300 },
    )
  })
})

describe('patch rules', () => {
  const b = Buffer.from('0123456789')
  const p = (start: number, end: number, text: string, nodeId: string, order?: number): Patch => ({
    start,
    end,
    text: Buffer.from(text),
    nodeId,
    ...(order === undefined ? {} : { order }),
  })

  it('overlapping patches fail with PATCH_OVERLAP naming both nodes', () => {
    const err = errorOf(() => stitch('markdown', b, [p(2, 5, 'x', 'a.py::A'), p(4, 6, 'y', 'a.py::B')]))
    expect(err.code).toBe('PATCH_OVERLAP')
    expect(err.message).toContain('a.py::A')
    expect(err.message).toContain('a.py::B')
    expect(errorOf(() => stitch('markdown', b, [p(2, 8, 'x', 'outer'), p(3, 4, 'y', 'inner')])).code).toBe(
      'PATCH_OVERLAP',
    )
    expect(errorOf(() => stitch('markdown', b, [p(2, 8, 'x', 'outer'), p(5, 5, 'y', 'ins')])).code).toBe(
      'PATCH_OVERLAP',
    )
  })

  it('zero-width patches at one offset apply in `order`, then array order; touching edges is fine', () => {
    const out = stitch('markdown', b, [
      p(5, 5, 'B', 'b', 2),
      p(5, 5, 'A', 'a', 1),
      p(5, 5, 'C', 'c', 2),
      p(2, 5, '_', 'r'),
      p(5, 7, '=', 's'),
    ])
    expect(out.bytes.toString()).toBe('01_ABC=789')
  })

  it('out-of-range patches fail with PATCH_OUT_OF_BOUNDS', () => {
    expect(errorOf(() => stitch('markdown', b, [p(8, 11, 'x', 'a')])).code).toBe('PATCH_OUT_OF_BOUNDS')
    expect(errorOf(() => stitch('markdown', b, [p(5, 4, 'x', 'a')])).code).toBe('PATCH_OUT_OF_BOUNDS')
  })

  it('re-parses and blames ERROR/MISSING nodes on the patch whose new range holds them', () => {
    const src = Buffer.from(
      'class A:\n    def a(self):\n        return 1\n\n    def b(self):\n        return 2\n',
    )
    const root = discoverFileNodes('m.py', src, 'python')
    const [ma, mb] = root.children[0]!.children
    const out = stitch('python', src, [
      {
        start: ma!.startByte,
        end: ma!.endByte,
        text: Buffer.from('def a(self):\n        return 10'),
        nodeId: ma!.id,
      },
      {
        start: mb!.startByte,
        end: mb!.endByte,
        text: Buffer.from('def b(self:\n        return (2'),
        nodeId: mb!.id,
      },
    ])
    expect(out.problems.length).toBeGreaterThan(0)
    expect(new Set(out.problems.map((x) => x.nodeId))).toEqual(new Set([mb!.id]))
    const fine = stitch('python', src, [
      {
        start: ma!.startByte,
        end: ma!.endByte,
        text: Buffer.from('def a(self):\n        return 10'),
        nodeId: ma!.id,
      },
    ])
    expect(fine.problems).toEqual([])
  })

  it('a patch with binary text is reported as its problem, not thrown', () => {
    const out = stitch('toml', Buffer.from('a = 1\n'), [p(4, 5, '\u0000', 'a.toml::a')])
    expect(out.problems).toMatchObject([{ nodeId: 'a.toml::a', nodeType: 'BINARY' }])
  })
})
