import { afterEach, describe, expect, it } from 'vitest'
import { commitSource, Git, gitProcessCount } from '../../../src/git/index.js'
import { buildNodeTree, walkNodes, workingTreeSource } from '../../../src/syntax/index.js'
import type { SkipReason } from '../../../src/syntax/types.js'
import { makeRepo, type TempRepo } from '../../support/repo.js'

let repo: TempRepo | null = null
afterEach(async () => {
  await repo?.cleanup()
  repo = null
})

const FILE_COUNT = 200

function generatedRepo(): Record<string, string | Buffer> {
  const files: Record<string, string | Buffer> = {}
  for (let i = 0; i < FILE_COUNT; i++) {
    files[`pkg/sub${i % 7}/mod_${i}.py`] = `class C${i}:\n    def run(self):\n        return ${i}\n`
  }
  files['pkg/logo.py'] = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0])
  files['README.md'] = '# Title\n'
  return files
}

describe('commitSource reads a scope in a constant number of git processes', () => {
  it('builds the node tree of 200 Python files with at most 6 git processes', async () => {
    repo = await makeRepo(generatedRepo())
    const git = await Git.open(repo.path)
    const base = await git.headCommit()
    for (const scope of [[], ['pkg'], ['pkg/sub3', 'README.md']]) {
      const skipped: Array<[string, SkipReason]> = []
      const before = gitProcessCount()
      const root = await buildNodeTree(commitSource(git, base), scope, {
        maxFileBytes: 100_000,
        onSkip: (p, r) => skipped.push([p, r]),
      })
      const spent = gitProcessCount() - before
      expect(spent, `scope ${scope.join(' ') || '.'}`).toBeLessThanOrEqual(6)
      const files = [...walkNodes(root)].filter((n) => n.kind === 'file')
      if (scope.length < 2) {
        expect(files).toHaveLength(FILE_COUNT + (scope.length === 0 ? 1 : 0))
        expect(skipped).toEqual([['pkg/logo.py', 'binary']])
      } else expect(files.map((f) => f.path)).toContain('README.md')
    }
  })

  it('gives the same tree as the working tree, and readFiles leaves out what it cannot read', async () => {
    repo = await makeRepo(generatedRepo())
    const git = await Git.open(repo.path)
    const source = commitSource(git, await git.headCommit())
    const opts = { maxFileBytes: 100_000 }
    const fromCommit = await buildNodeTree(source, ['pkg'], opts)
    const fromDisk = await buildNodeTree(workingTreeSource(repo.path), ['pkg'], opts)
    expect(fromCommit.hash).toBe(fromDisk.hash)
    expect([...walkNodes(fromCommit)].length).toBe([...walkNodes(fromDisk)].length)
    const got = await source.readFiles!(['README.md', 'nope.py', 'pkg', 'pkg/sub0/mod_0.py'])
    expect([...got.keys()]).toEqual(['README.md', 'pkg/sub0/mod_0.py'])
    expect(got.get('README.md')!.toString()).toBe('# Title\n')
    expect(await source.exists('pkg/sub0')).toBe('dir')
    expect(await source.exists('pkg/sub0/nope.py')).toBe('none')
  })
})
