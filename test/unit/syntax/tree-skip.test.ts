import { describe, expect, it } from 'vitest'
import { MomentumError } from '../../../src/errors/index.js'
import { buildNodeTree, type FileSource, walkNodes } from '../../../src/syntax/index.js'
import type { SkipReason } from '../../../src/syntax/types.js'

/** An in-memory FileSource that counts reads; `batch` adds a readFiles like a commit's. */
function memorySource(files: Record<string, string | Buffer>, batch = false) {
  const paths = Object.keys(files)
  const calls = { readFile: 0, readFiles: 0 }
  const read = (p: string): Buffer => {
    const v = files[p]
    if (v === undefined) throw new Error(`missing ${p}`)
    return Buffer.from(v)
  }
  const source: FileSource = {
    label: 'memory',
    listFiles: async (dir) => paths.filter((p) => dir === '' || p.startsWith(`${dir}/`)).sort(),
    readFile: async (p) => {
      calls.readFile++
      return read(p)
    },
    exists: async (p) =>
      p in files ? 'file' : p === '' || paths.some((f) => f.startsWith(`${p}/`)) ? 'dir' : 'none',
  }
  if (batch) {
    source.readFiles = async (ps) => {
      calls.readFiles++
      // Leaves one path out on purpose: the caller must fall back to readFile for it.
      return new Map(ps.filter((p) => !p.endsWith('late.py')).map((p) => [p, read(p)]))
    }
  }
  return { source, calls }
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (err) {
    if (err instanceof MomentumError) return err.code
    throw err
  }
  return 'no error'
}

const BIG = `x = "${'a'.repeat(200)}"\n`
const FILES = {
  'pkg/a.py': 'def a():\n    pass\n',
  'pkg/blob.py': Buffer.from([0x64, 0x65, 0x66, 0, 0xff]),
  'pkg/big.py': BIG,
  'pkg/bad-utf8.md': Buffer.from([0x23, 0x20, 0xc3, 0x28]),
  'pkg/late.py': 'class Late:\n    pass\n',
}

describe('buildNodeTree skips binary and too-large files found by walking', () => {
  const opts = (skips: Array<[string, SkipReason]>) => ({
    maxFileBytes: 100,
    onSkip: (path: string, reason: SkipReason) => skips.push([path, reason]),
  })

  it('keeps the rest of the tree and reports each skipped file with its reason', async () => {
    const skips: Array<[string, SkipReason]> = []
    const root = await buildNodeTree(memorySource(FILES).source, ['pkg'], opts(skips))
    expect([...walkNodes(root)].map((n) => n.id)).toEqual([
      '.',
      'pkg/',
      'pkg/a.py',
      'pkg/a.py::a',
      'pkg/late.py',
      'pkg/late.py::Late',
    ])
    expect(skips).toEqual([
      ['pkg/bad-utf8.md', 'binary'],
      ['pkg/big.py', 'too-large'],
      ['pkg/blob.py', 'binary'],
    ])
  })

  it('skips without an onSkip callback too', async () => {
    const root = await buildNodeTree(memorySource(FILES).source, [''], { maxFileBytes: 100 })
    expect(root.children[0]!.children.map((n) => n.id)).toEqual(['pkg/a.py', 'pkg/late.py'])
  })

  it('named files keep their errors, even when their directory is also in the scope', async () => {
    const { source } = memorySource(FILES)
    const skips: Array<[string, SkipReason]> = []
    expect(await codeOf(buildNodeTree(source, ['pkg/blob.py'], opts(skips)))).toBe('BINARY_FILE')
    expect(await codeOf(buildNodeTree(source, ['pkg/big.py'], opts(skips)))).toBe('FILE_TOO_LARGE')
    expect(await codeOf(buildNodeTree(source, ['pkg', 'pkg/big.py'], opts(skips)))).toBe('FILE_TOO_LARGE')
    expect(await codeOf(buildNodeTree(source, ['pkg/bad-utf8.md'], opts(skips)))).toBe('BINARY_FILE')
  })

  it('when every file found is skipped, the first one is reported as an error', async () => {
    const { source } = memorySource({ 'd/x.py': BIG, 'd/y.py': Buffer.from([0]) })
    const skips: Array<[string, SkipReason]> = []
    expect(await codeOf(buildNodeTree(source, ['d'], opts(skips)))).toBe('FILE_TOO_LARGE')
    expect(skips).toEqual([
      ['d/x.py', 'too-large'],
      ['d/y.py', 'binary'],
    ])
  })
})

describe('buildNodeTree with a batch-reading source', () => {
  it('reads the scope through readFiles once and falls back to readFile for what it left out', async () => {
    const files: Record<string, string> = { 'pkg/late.py': 'class Late:\n    pass\n' }
    for (let i = 0; i < 40; i++) files[`pkg/m${i}.py`] = `def f${i}():\n    return ${i}\n`
    const { source, calls } = memorySource(files, true)
    const root = await buildNodeTree(source, ['pkg'], { maxFileBytes: 1000 })
    expect(calls).toEqual({ readFiles: 1, readFile: 1 })
    const ids = [...walkNodes(root)].map((n) => n.id)
    expect(ids).toContain('pkg/m39.py::f39')
    expect(ids).toContain('pkg/late.py::Late')
    const plain = memorySource(files)
    const same = await buildNodeTree(plain.source, ['pkg'], { maxFileBytes: 1000 })
    expect(same.hash).toBe(root.hash)
    expect(plain.calls.readFile).toBe(41)
  })
})
