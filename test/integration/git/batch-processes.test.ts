import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterEach, describe, expect, it } from 'vitest'
import { addBareWorktree, Git, gitProcessCount, lsTree, removeWorktree } from '../../../src/git/index.js'
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
    const treeOf = (files: Map<string, string>): string => writeTree(r, files)
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

  it('list trees as git ls-tree does, with and without paths, recursive or not', async () => {
    repo = await makeRepo({ 'seed.txt': 'seed\n' })
    const r = repo
    const git = await Git.open(r.path)
    const path = fc.array(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 3 }).map((p) => p.join('/'))
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(path, fc.constantFrom('x\n', '#!sh\n', '->t')), { minLength: 1, maxLength: 8 }),
        fc.option(fc.array(fc.tuple(path, fc.boolean()), { minLength: 1, maxLength: 4 }), { nil: undefined }),
        fc.boolean(),
        async (files, query, recursive) => {
          const tree = writeTree(r, consistent(files))
          const paths = query?.map(([p, slash]) => (slash ? `${p}/` : p))
          const args = ['--literal-pathspecs', 'ls-tree', '-z', '--full-tree', ...(recursive ? ['-r'] : [])]
          const out = r.git(...args, tree, ...(paths ? ['--', ...paths] : []))
          const expected = out
            .split('\0')
            .filter((l) => l !== '')
            .map((l) => {
              const [meta = '', p = ''] = l.split('\t')
              const [mode, type, oid] = meta.split(' ')
              return { mode, type, oid, path: p }
            })
          expect(await lsTree(git, tree, { recursive, ...(paths ? { paths } : {}) })).toEqual(expected)
        },
      ),
      { numRuns: 40 },
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

describe('commits written through the batch process', () => {
  it('are byte for byte what git commit-tree writes, and carry the current time otherwise', async () => {
    repo = await makeRepo({ 'a.txt': 'a\n' })
    const r = repo
    const git = await Git.open(r.path)
    const head = await git.headCommit()
    const tree = await git.treeOf(head)
    const message = 'Edit é\n\nMomentum-Agent: a.txt\n'
    const pinned = {
      GIT_AUTHOR_DATE: '2026-01-01T12:00:00+0100',
      GIT_COMMITTER_DATE: '2026-01-02T08:30:00-0230',
    }
    const saved = { ...process.env }
    Object.assign(process.env, pinned)
    try {
      const ours = await (await Git.open(r.path)).commitTree(tree, [head, head], message)
      const theirs = execFileSync('git', ['commit-tree', tree, '-p', head], {
        cwd: r.path,
        input: message,
        env: { ...process.env, ...pinned },
        encoding: 'utf8',
      }).trim()
      expect(ours).toBe(theirs)
    } finally {
      process.env = saved
    }
    const before = Math.floor(Date.now() / 1000)
    const fresh = await git.commitTree(tree, [head], 'second\n')
    const text = r.git('cat-file', 'commit', fresh)
    const author = /^author Momentum Test <test@momentum\.invalid> (\d+) [+-]\d{4}$/m.exec(text)
    expect(Number(author?.[1])).toBeGreaterThanOrEqual(before - 1)
    expect(Number(author?.[1])).toBeLessThanOrEqual(before + 60)
    expect(text).toMatch(/^committer Momentum Test <test@momentum\.invalid> \d+ [+-]\d{4}$/m)
    r.git('fsck', '--strict', '--no-progress')
    await expect(git.commitTree('not-an-oid', [], 'x')).rejects.toMatchObject({ code: 'GIT_FAILED' })
  })
})

describe('worktrees written without git worktree add', () => {
  it('are read by git as its own: list, HEAD, status, a second id for the same name, prune and fsck', async () => {
    repo = await makeRepo({ 'a.txt': 'a\n' })
    const r = repo
    const git = await Git.open(r.path)
    const head = await git.headCommit()
    await git.updateRefs([
      { op: 'create', ref: 'refs/heads/momentum/t/one', oid: head },
      { op: 'create', ref: 'refs/heads/momentum/t/two', oid: head },
    ])
    const one = join(r.path, '.git', 'momentum', 't', 'x')
    const two = join(r.path, '.git', 'momentum', 'u', 'x')
    mkdirSync(join(one, '..'), { recursive: true })
    mkdirSync(join(two, '..'), { recursive: true })
    await addBareWorktree(git, one, 'momentum/t/one')
    await addBareWorktree(git, two, 'momentum/t/two')
    const list = r.git('worktree', 'list', '--porcelain')
    expect(list).toContain(`worktree ${one}\nHEAD ${head}\nbranch refs/heads/momentum/t/one`)
    expect(list).toContain(`worktree ${two}\nHEAD ${head}\nbranch refs/heads/momentum/t/two`)
    // Two directories named x: git's rule gives the second admin dir another id.
    expect(readdirSync(join(r.path, '.git', 'worktrees')).sort()).toEqual(['x', 'x1'])
    const inside = (d: string, ...args: string[]): string =>
      execFileSync('git', ['-C', d, ...args], { encoding: 'utf8' }).trim()
    expect(inside(one, 'rev-parse', '--abbrev-ref', 'HEAD')).toBe('momentum/t/one')
    expect(inside(one, 'rev-parse', '--git-common-dir')).toBe(join(r.path, '.git'))
    // The branch is checked out there, so git refuses to check it out a second time.
    expect(() =>
      execFileSync('git', ['worktree', 'add', join(r.path, '..', 'again'), 'momentum/t/one'], {
        cwd: r.path,
        stdio: 'pipe',
      }),
    ).toThrow(/already checked out/)
    r.git('worktree', 'prune')
    expect(r.git('worktree', 'list', '--porcelain').match(/^worktree /gm)?.length).toBe(3)
    await removeWorktree(git, one)
    await removeWorktree(git, two)
    r.git('worktree', 'prune')
    expect(r.git('worktree', 'list', '--porcelain').match(/^worktree /gm)?.length).toBe(1)
    r.git('fsck', '--no-progress')
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

/** A tree holding `files` (content `#!...` is executable, `->...` a symlink), built in the index. */
function writeTree(r: TempRepo, files: Map<string, string>): string {
  r.git('rm', '-rq', '--cached', '--ignore-unmatch', '.')
  for (const [p, content] of files) {
    const blob = execBlob(r, content)
    const mode = content.startsWith('#!') ? '100755' : content.startsWith('->') ? '120000' : '100644'
    r.git('update-index', '--add', '--cacheinfo', `${mode},${blob},${p}`)
  }
  return r.git('write-tree')
}

function execBlob(r: TempRepo, content: string): string {
  r.write('.blob-tmp', content)
  return r.git('hash-object', '-w', '--no-filters', '.blob-tmp')
}
