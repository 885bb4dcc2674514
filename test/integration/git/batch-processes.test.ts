import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { Git, gitProcessCount } from '../../../src/git/index.js'
import { makeRepo, type TempRepo } from '../../support/repo.js'

let repo: TempRepo | null = null
afterEach(async () => {
  await repo?.cleanup()
  repo = null
})

/** `git diff-tree -r --no-renames` by real git, in the same shape as Git.diffTrees. */
function realDiff(r: TempRepo, a: string, b: string): Array<Record<string, string>> {
  const out = r.git('diff-tree', '-r', '-z', '--no-renames', a, b)
  const fields = out.split('\0').filter((f) => f !== '')
  const changes: Array<Record<string, string>> = []
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const [oldMode, newMode, oldOid, newOid, status] = (fields[i] ?? '').slice(1).split(' ')
    changes.push({
      path: fields[i + 1] ?? '',
      oldMode: oldMode ?? '',
      newMode: newMode ?? '',
      oldOid: oldOid ?? '',
      newOid: newOid ?? '',
      status: status ?? '',
    })
  }
  return changes
}

const NAMES = ['a', 'a.py', 'b', 'é', 'a-b', 'z z']

describe('long-running batch processes', () => {
  it('agree with git diff-tree on random trees, files turning into directories included', async () => {
    repo = await makeRepo({ 'seed.txt': 'seed\n' })
    const r = repo
    const git = await Git.open(r.path)
    const path = fc.array(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 3 }).map((p) => p.join('/'))
    const treeOf = (files: Map<string, string>): string => {
      r.git('rm', '-rq', '--cached', '--ignore-unmatch', '.')
      for (const [p, content] of files) {
        const blob = execBlob(r, content)
        const mode = content.startsWith('#!') ? '100755' : content.startsWith('->') ? '120000' : '100644'
        r.git('update-index', '--add', '--cacheinfo', `${mode},${blob},${p}`)
      }
      return r.git('write-tree')
    }
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(path, fc.constantFrom('x\n', 'y\n', '#!sh\n', '->t')), { maxLength: 8 }),
        fc.array(fc.tuple(path, fc.constantFrom('x\n', 'y\n', '#!sh\n', '->t')), { maxLength: 8 }),
        async (left, right) => {
          const a = treeOf(consistent(left))
          const b = treeOf(consistent(right))
          expect(await git.diffTrees(a, b)).toEqual(realDiff(r, a, b))
        },
      ),
      { numRuns: 25 },
    )
  })

  it('survive a failed transaction, an idle shutdown and a blob larger than a pipe buffer', async () => {
    repo = await makeRepo({ 'a.txt': 'a\n' })
    const git = await Git.open(repo.path)
    const head = await git.headCommit()
    const before = gitProcessCount()
    await git.updateRefs([{ op: 'create', ref: 'refs/heads/one', oid: head }])
    // A compare-and-swap that fails makes `update-ref --stdin` exit; the failure is this request's alone.
    await expect(git.updateRefs([{ op: 'create', ref: 'refs/heads/one', oid: head }])).rejects.toMatchObject({
      code: 'GIT_FAILED',
      data: { stderr: expect.stringContaining('already exists') },
    })
    await git.updateRefs([{ op: 'create', ref: 'refs/heads/two', oid: head }])
    expect(await git.resolve('refs/heads/two')).toBe(head)
    // Many requests at once share one process each.
    const names = await Promise.all(Array.from({ length: 50 }, () => git.resolve('refs/heads/one')))
    expect(new Set(names)).toEqual(new Set([head]))
    const big = Buffer.alloc(3 * 1024 * 1024 + 7, 0xab)
    const oid = await git.writeBlob(big)
    const [obj] = await git.readObjects([oid, 'no-such-ref'])
    expect(obj?.content.equals(big)).toBe(true)
    expect(gitProcessCount() - before).toBeLessThanOrEqual(5)
    git.close()
    // After a shutdown the next request starts a new process.
    expect(await git.resolve('refs/heads/one')).toBe(head)
    git.close()
  })
})

/** Drops paths that would need a path to be both a file and a directory. */
function consistent(entries: Array<[string, string]>): Map<string, string> {
  const files = new Map<string, string>()
  for (const [p, content] of entries) {
    const clash = [...files.keys()].some((q) => q.startsWith(`${p}/`) || p.startsWith(`${q}/`))
    if (!clash) files.set(p, content)
  }
  return files
}

function execBlob(r: TempRepo, content: string): string {
  r.write('.blob-tmp', content)
  return r.git('hash-object', '-w', '--no-filters', '.blob-tmp')
}
