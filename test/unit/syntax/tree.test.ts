import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { NodesJsonSchema, nodesCommand, renderTree } from '../../../src/cli/nodes.js'
import type { GlobalOptions } from '../../../src/cli/output.js'
import { MomentumError } from '../../../src/errors/index.js'
import { buildNodeTree, type FileSource, walkNodes, workingTreeSource } from '../../../src/syntax/index.js'

/** An in-memory FileSource, like a commit's tree. */
function memorySource(files: Record<string, string | Buffer>): FileSource {
  const paths = Object.keys(files)
  const isDir = (d: string): boolean => d === '' || paths.some((p) => p.startsWith(`${d}/`))
  return {
    label: 'memory',
    listFiles: async (dir) => paths.filter((p) => dir === '' || p.startsWith(`${dir}/`)).sort(),
    readFile: async (p) => {
      const v = files[p]
      if (v === undefined) throw new Error(`missing ${p}`)
      return Buffer.from(v)
    },
    exists: async (p) => (p in files ? 'file' : isDir(p) ? 'dir' : 'none'),
  }
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

const FILES = {
  'pyproject.toml': '[project]\nname = "x"\n',
  'src/pkg/a.py': 'class A:\n    def m(self):\n        pass\n',
  'src/pkg/notes.txt': 'skipped',
  'src/pkg/__pycache__/a.py': 'class Cached: pass\n',
  'docs/README.md': '# Doc\n',
  'data/blob.bin': Buffer.from([0, 1, 2]),
}

describe('buildNodeTree', () => {
  const source = memorySource(FILES)
  const limit = { maxFileBytes: 1_000_000 }

  it('builds repo -> directories -> files -> agents, skipping unsupported files and ignored dirs', async () => {
    const root = await buildNodeTree(source, ['.'], limit)
    expect([...walkNodes(root)].map((n) => `${n.kind}:${n.id}`)).toEqual([
      'repo:.',
      'directory:docs/',
      'file:docs/README.md',
      'md_section:docs/README.md::Doc',
      'directory:src/',
      'directory:src/pkg/',
      'file:src/pkg/a.py',
      'class:src/pkg/a.py::A',
      'method:src/pkg/a.py::A.m',
      'file:pyproject.toml',
      'toml_table:pyproject.toml::project',
      'toml_pair:pyproject.toml::project.name',
    ])
    expect(root.hash).toMatch(/^[0-9a-f]{16}$/)
    expect(root.children[1]!.parentId).toBe('.')
  })

  it('a scope of one file gives only its ancestors', async () => {
    const root = await buildNodeTree(source, ['./src/pkg/a.py'], limit)
    expect([...walkNodes(root)].map((n) => n.id)).toEqual([
      '.',
      'src/',
      'src/pkg/',
      'src/pkg/a.py',
      'src/pkg/a.py::A',
      'src/pkg/a.py::A.m',
    ])
  })

  it('directory hashes change when a file changes', async () => {
    const a = await buildNodeTree(source, ['src'], limit)
    const b = await buildNodeTree(
      memorySource({ ...FILES, 'src/pkg/a.py': 'class B: pass\n' }),
      ['src'],
      limit,
    )
    expect(a.children[0]!.hash).not.toBe(b.children[0]!.hash)
  })

  it('reports bad input with distinct codes', async () => {
    expect(await codeOf(buildNodeTree(source, ['../etc/passwd'], limit))).toBe('PATH_OUTSIDE_REPO')
    expect(await codeOf(buildNodeTree(source, ['/etc/passwd'], limit))).toBe('PATH_OUTSIDE_REPO')
    expect(await codeOf(buildNodeTree(source, ['nope.py'], limit))).toBe('PATH_MISSING')
    expect(await codeOf(buildNodeTree(source, ['src/pkg/notes.txt'], limit))).toBe('UNSUPPORTED_LANGUAGE')
    expect(await codeOf(buildNodeTree(source, ['data'], limit))).toBe('PATHS_MATCH_NOTHING')
    expect(await codeOf(buildNodeTree(source, ['src'], { maxFileBytes: 10 }))).toBe('FILE_TOO_LARGE')
    const bin = memorySource({ 'x.py': Buffer.from([0x63, 0, 0x64]) })
    expect(await codeOf(buildNodeTree(bin, ['x.py'], limit))).toBe('BINARY_FILE')
  })

  it('reads query overrides from .momentum/queries/<lang>.scm in the source', async () => {
    const src = memorySource({
      ...FILES,
      '.momentum/queries/python.scm': '(class_definition name: (identifier) @name) @class\n',
    })
    const root = await buildNodeTree(src, ['src/pkg/a.py'], limit)
    expect([...walkNodes(root)].map((n) => n.id)).toEqual([
      '.',
      'src/',
      'src/pkg/',
      'src/pkg/a.py',
      'src/pkg/a.py::A',
    ])
    const bad = memorySource({ ...FILES, '.momentum/queries/toml.scm': '(tabel) @table' })
    expect(await codeOf(buildNodeTree(bad, ['pyproject.toml'], limit))).toBe('QUERY_INVALID')
  })
})

describe('workingTreeSource and the nodes command', () => {
  const dir = mkdtempSync(join(tmpdir(), 'momentum-syntax-'))
  const outside = mkdtempSync(join(tmpdir(), 'momentum-outside-'))
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true })
    rmSync(outside, { recursive: true, force: true })
  })
  const write = (rel: string, text: string): void => {
    mkdirSync(dirname(join(dir, rel)), { recursive: true })
    writeFileSync(join(dir, rel), text)
  }
  mkdirSync(join(dir, '.git'))
  write('app/main.py', '@dec\ndef main():\n    pass\n')
  write('pyproject.toml', '[tool.x]\na = 1\n')
  write('node_modules/x/y.py', 'def hidden(): pass\n')
  writeFileSync(join(outside, 'o.py'), 'def o(): pass\n')
  symlinkSync(join(outside, 'o.py'), join(dir, 'link.py'))
  const opts = (cwd: string, json = false): GlobalOptions => ({
    json,
    cwd,
    color: false,
    tty: false,
    debug: false,
  })

  it('lists files without ignored dirs or symlinks; refuses symlinks that leave the repo', async () => {
    const src = workingTreeSource(dir)
    expect(await src.listFiles('')).toEqual(['app/main.py', 'pyproject.toml'])
    expect(await src.exists('app')).toBe('dir')
    expect(await src.exists('app/zzz.py')).toBe('none')
    expect(await codeOf(src.exists('link.py'))).toBe('PATH_OUTSIDE_REPO')
  })

  it('nodes: resolves paths from the cwd, finds the repo root, returns the documented JSON', async () => {
    const res = await nodesCommand({ paths: ['main.py'] }, opts(join(dir, 'app'), true))
    expect(res.exitCode).toBe(0)
    const json = NodesJsonSchema.parse(res.json)
    expect(json.root).toBe(dir)
    expect([...walkNodes(json.tree)].map((n) => n.id)).toEqual([
      '.',
      'app/',
      'app/main.py',
      'app/main.py::main',
    ])
    const main = [...walkNodes(json.tree)].find((n) => n.id === 'app/main.py::main')!
    expect([main.kind, main.decorated, main.startByte, main.endByte, main.startLine, main.endLine]).toEqual([
      'function',
      true,
      0,
      25,
      1,
      3,
    ])
    expect(res.human.join('\n')).toContain('function (decorated)  app/main.py::main  bytes 0..25  lines 1-3')
    expect(renderTree(json.tree)[0]).toBe('repo  .')
  })

  it('nodes: bad paths get typed errors', async () => {
    expect(await codeOf(nodesCommand({ paths: ['../../'] }, opts(join(dir, 'app'))))).toBe(
      'PATH_OUTSIDE_REPO',
    )
    expect(await codeOf(nodesCommand({ paths: ['missing.py'] }, opts(dir)))).toBe('PATH_MISSING')
    expect(await codeOf(nodesCommand({ paths: ['link.py'] }, opts(dir)))).toBe('PATH_OUTSIDE_REPO')
  })

  it('nodes: honours run.max_file_bytes from .momentum/config.toml', async () => {
    write('.momentum/config.toml', '[run]\nmax_file_bytes = 5\n')
    expect(await codeOf(nodesCommand({ paths: ['pyproject.toml'] }, opts(dir)))).toBe('FILE_TOO_LARGE')
    rmSync(join(dir, '.momentum'), { recursive: true })
  })
})
