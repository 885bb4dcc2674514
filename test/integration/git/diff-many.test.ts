import { afterEach, describe, expect, it } from 'vitest'
import { Git } from '../../../src/git/index.js'
import { makeRepo, type TempRepo } from '../../support/repo.js'

describe('Git.diffTreesFrom', () => {
  let repo: TempRepo | null = null
  afterEach(async () => {
    await repo?.cleanup()
    repo = null
  })

  it('gives each head its own changes from the base in one process, empty diffs included', async () => {
    repo = await makeRepo({ 'a.txt': 'a\n', 'b.txt': 'b\n' })
    const base = repo.git('rev-parse', 'HEAD')
    repo.write('a.txt', 'a\nmore\n')
    const h1 = repo.commitAll('edit a')
    repo.git('checkout', '-q', base)
    repo.git('commit', '-q', '--allow-empty', '-m', 'nothing')
    const empty = repo.git('rev-parse', 'HEAD')
    repo.git('checkout', '-q', base)
    repo.write('dir with space/é.txt', 'new\n')
    repo.git('rm', '-q', 'b.txt')
    const h2 = repo.commitAll('add and delete')
    const git = await Git.open(repo.path)
    const diffs = await git.diffTreesFrom(base, [h1, empty, h2, base])
    expect(diffs.get(h1)?.map((c) => [c.status, c.path])).toEqual([['M', 'a.txt']])
    expect(diffs.get(empty)).toEqual([])
    expect(diffs.get(base)).toEqual([])
    expect(diffs.get(h2)?.map((c) => [c.status, c.path])).toEqual([
      ['D', 'b.txt'],
      ['A', 'dir with space/é.txt'],
    ])
    // Same answer as one diff-tree per head.
    for (const h of [h1, empty, h2]) expect(diffs.get(h)).toEqual(await git.diffTrees(base, h))
  })
})
