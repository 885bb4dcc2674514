import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { dir } from 'tmp-promise'
import { afterEach, describe, expect, it } from 'vitest'
import { commitSource, Git } from '../../../src/git/index.js'
import { createSandbox } from '../../../src/sandbox/index.js'
import { makeRepo, type TempRepo } from '../../support/repo.js'

let repo: TempRepo | null = null
afterEach(async () => {
  await repo?.cleanup()
  repo = null
})

/** Nothing of a run may exist after a refused createSandbox. */
function nothingMade(r: TempRepo): void {
  expect(r.git('for-each-ref', 'refs/heads/momentum', 'refs/momentum')).toBe('')
  expect(
    existsSync(join(r.path, '.git', 'momentum', 'bad'))
      ? readdirSync(join(r.path, '.git', 'momentum', 'bad'))
      : [],
  ).toEqual([])
  expect(r.git('worktree', 'list', '--porcelain').match(/^worktree /gm)?.length).toBe(1)
}

describe('Git.open and bad input', () => {
  it('reports not-a-repo, bare and no-commits with typed errors', async () => {
    const tmp = await dir({ unsafeCleanup: true })
    await expect(Git.open(tmp.path)).rejects.toMatchObject({ code: 'NOT_A_REPO' })
    await expect(Git.open(join(tmp.path, 'missing'))).rejects.toMatchObject({ code: 'NOT_A_REPO' })
    execFileSync('git', ['init', '-q', '--bare', join(tmp.path, 'b.git')])
    await expect(Git.open(join(tmp.path, 'b.git'))).rejects.toMatchObject({ code: 'BARE_REPO' })
    execFileSync('git', ['init', '-q', join(tmp.path, 'empty')])
    const empty = await Git.open(join(tmp.path, 'empty'))
    await expect(empty.headCommit()).rejects.toMatchObject({ code: 'NO_COMMITS' })
    await tmp.cleanup()
  })

  it('allows a detached HEAD and a dirty tree, reporting both', async () => {
    repo = await makeRepo({ 'a.py': 'x = 1\n' })
    repo.git('checkout', '-q', '--detach')
    repo.write('a.py', 'x = 2\n')
    const git = await Git.open(repo.path)
    expect(await git.state()).toEqual({ branch: null, detached: true, dirty: true })
    const base = await git.headCommit()
    const sb = await createSandbox(git, {
      runId: 'd',
      agentId: 'a.py',
      base,
      owns: [{ path: 'a.py', whole: true }],
    })
    expect((await sb.readFile('a.py')).toString()).toBe('x = 1\n')
    await sb.discard()
  })

  it('refuses an existing branch, submodules, outside symlinks and unsafe paths, leaving nothing', async () => {
    repo = await makeRepo({ 'a.py': 'x = 1\n', 'dir with space/é.py': 'y = 1\n' })
    const sub = await makeRepo({ 's.py': 's = 1\n' })
    repo.git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub.path, 'vendor/sub')
    symlinkSync('/etc/passwd', join(repo.path, 'leak.py'))
    symlinkSync('a.py', join(repo.path, 'inside.py'))
    repo.commitAll('more')
    const git = await Git.open(repo.path)
    const base = await git.headCommit()
    const spec = (path: string) => ({
      runId: 'bad',
      agentId: path,
      base,
      owns: [{ path, whole: true as const }],
    })
    await expect(createSandbox(git, spec('vendor/sub'))).rejects.toMatchObject({ code: 'SUBMODULE_PATH' })
    await expect(createSandbox(git, spec('vendor/sub/s.py'))).rejects.toMatchObject({
      code: 'SUBMODULE_PATH',
    })
    await expect(createSandbox(git, spec('leak.py'))).rejects.toMatchObject({ code: 'SYMLINK_OUTSIDE' })
    await expect(createSandbox(git, spec('../x.py'))).rejects.toMatchObject({ code: 'USAGE' })
    await expect(createSandbox(git, spec('/etc/x.py'))).rejects.toMatchObject({ code: 'USAGE' })
    await expect(createSandbox(git, spec('.git/config'))).rejects.toMatchObject({ code: 'USAGE' })
    nothingMade(repo)
    const src = commitSource(git, base)
    await expect(src.readFile('leak.py')).rejects.toMatchObject({ code: 'SYMLINK_OUTSIDE' })
    await expect(src.exists('vendor/sub')).rejects.toMatchObject({ code: 'SUBMODULE_PATH' })
    expect((await src.readFile('inside.py')).toString()).toBe('x = 1\n')
    expect(await src.listFiles('')).toEqual(
      expect.arrayContaining(['a.py', 'dir with space/é.py', '.gitmodules']),
    )
    expect(await src.listFiles('')).not.toContain('leak.py')
    expect(await src.listFiles('dir with space')).toEqual(['dir with space/é.py'])
    expect(await src.exists('dir with space')).toBe('dir')
    expect(await src.exists('nope.py')).toBe('none')

    const ok = await createSandbox(git, {
      runId: 'bad',
      agentId: 'dir with space/é.py',
      base,
      owns: [{ path: 'dir with space/é.py', whole: true }],
    })
    await ok.writeFile('dir with space/é.py', Buffer.from('y = "café"\n'))
    const head = await ok.commit('spaces and accents', {})
    expect((await git.readBlob(head, 'dir with space/é.py')).toString()).toBe('y = "café"\n')
    repo.git('branch', 'momentum/bad/taken-00000000')
    await ok.discard()
    // Same agent id again while its branch is still there: BRANCH_EXISTS, no worktree made.
    const again = { runId: 'bad', agentId: 'a.py', base, owns: [{ path: 'a.py', whole: true as const }] }
    const first = await createSandbox(git, again)
    await first.discard({ keepBranch: true })
    await expect(createSandbox(git, again)).rejects.toMatchObject({ code: 'BRANCH_EXISTS' })
    expect(existsSync(first.worktree)).toBe(false)
    await sub.cleanup()
  })

  it('reads and writes binary blobs byte-exactly', async () => {
    repo = await makeRepo({ 'bin.dat': Buffer.from([0, 255, 13, 10, 0, 1]) })
    const git = await Git.open(repo.path)
    const base = await git.headCommit()
    expect(await git.readBlob(base, 'bin.dat')).toEqual(Buffer.from([0, 255, 13, 10, 0, 1]))
    const bytes = Buffer.from([1, 2, 0, 13, 10, 200])
    const oid = await git.writeBlob(bytes)
    expect((await git.readObjects([oid]))[0]?.content).toEqual(bytes)
  })
})

describe('lock contention', () => {
  it('retries while index.lock and a ref lock are held, then succeeds', async () => {
    repo = await makeRepo({ 'a.py': 'x = 1\n' })
    const git = await Git.open(repo.path)
    const head = await git.headCommit()
    const indexLock = join(repo.path, '.git', 'index.lock')
    const refLock = join(repo.path, '.git', 'refs', 'heads', 'held.lock')
    mkdirSync(join(repo.path, '.git', 'refs', 'heads'), { recursive: true })
    writeFileSync(indexLock, '')
    writeFileSync(refLock, '')
    const release = setTimeout(() => {
      rmSync(indexLock, { force: true })
      rmSync(refLock, { force: true })
    }, 400)
    // update-index takes index.lock; update-ref takes the ref's lock.
    await git.run(['update-index', '--refresh'])
    await git.updateRefs([{ op: 'create', ref: 'refs/heads/held', oid: head }])
    clearTimeout(release)
    expect(repo.git('rev-parse', 'refs/heads/held')).toBe(head)
    // A compare-and-swap failure is an answer, not contention: it fails at once.
    await expect(
      git.updateRefs([{ op: 'update', ref: 'refs/heads/held', oid: head, old: '1'.repeat(40) }]),
    ).rejects.toMatchObject({ code: 'GIT_FAILED' })
  })
})
