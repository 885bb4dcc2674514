import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { inflateSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { Git, MODE } from '../../../src/git/index.js'
import { objectId } from '../../../src/git/tree-object.js'
import { makeRepo, type TempRepo } from '../../support/repo.js'

let repo: TempRepo | null = null
afterEach(async () => {
  await repo?.cleanup()
  repo = null
})

function gitHash(r: TempRepo, type: string, bytes: Buffer): string {
  return execFileSync('git', ['hash-object', '-t', type, '--stdin'], { cwd: r.path, input: bytes })
    .toString()
    .trim()
}

function looseFile(r: TempRepo, oid: string): string {
  return join(r.path, '.git', 'objects', oid.slice(0, 2), oid.slice(2))
}

// Text with everything that trips byte handling: non-ASCII, CRLF, a BOM, no final newline.
const AWKWARD = Buffer.from('\uFEFFclass Café:\r\n    """naïve"""\r\n    x = "☃"', 'utf8')

describe('objects written in-process', () => {
  it('are the objects git would write, readable by git, and pass fsck --strict', async () => {
    repo = await makeRepo({ 'README.md': '# r\n' })
    const r = repo
    const git = await Git.open(r.path)
    const blob = await git.writeBlob(AWKWARD)
    expect(blob).toBe(gitHash(r, 'blob', AWKWARD))
    expect(readFileSync(looseFile(r, blob)).length).toBeGreaterThan(0)
    expect(execFileSync('git', ['cat-file', 'blob', blob], { cwd: r.path }).equals(AWKWARD)).toBe(true)

    const sub = await git.writeTree([{ mode: MODE.file, name: Buffer.from('é.py'), oid: blob }])
    const tree = await git.writeTree([
      { mode: MODE.tree, name: Buffer.from('pkg'), oid: sub },
      { mode: MODE.exec, name: Buffer.from('run.sh'), oid: blob },
    ])
    expect(r.git('-c', 'core.quotePath=false', 'ls-tree', '-r', '--name-only', tree).split('\n')).toEqual([
      'pkg/é.py',
      'run.sh',
    ])
    const commit = await git.commitTree(tree, [r.git('rev-parse', 'HEAD')], 'momentum: test\n\nbody ☃\n')
    expect(r.git('cat-file', '-t', commit)).toBe('commit')
    expect(r.git('rev-parse', `${commit}:pkg/é.py`)).toBe(blob)
    r.git('update-ref', 'refs/heads/t', commit)
    // --strict checks tree order, modes and commit headers; unreachable or dangling would show too.
    expect(r.git('fsck', '--strict', '--no-dangling')).toBe('')
    // Staged through tmp_obj_ files, none of them left behind.
    const dirs = readdirSync(join(r.path, '.git', 'objects')).filter((d) => /^[0-9a-f]{2}$/.test(d))
    for (const d of dirs) {
      expect(readdirSync(join(r.path, '.git', 'objects', d)).filter((f) => f.startsWith('tmp_'))).toEqual([])
    }
  })

  it('work in a sha256 repository', async () => {
    repo = await makeRepo()
    const r = repo
    r.git('init', '-q', '--object-format=sha256', 'sha')
    const path = join(r.path, 'sha')
    execFileSync('git', ['commit', '-q', '--allow-empty', '-m', 'root'], { cwd: path })
    const git = await Git.open(path)
    expect(git.objectFormat).toBe('sha256')
    const blob = await git.writeBlob(AWKWARD)
    expect(blob).toHaveLength(64)
    const tree = await git.writeTree([{ mode: MODE.file, name: Buffer.from('a'), oid: blob }])
    const commit = await git.commitTree(tree, [], 'sha256\n')
    execFileSync('git', ['update-ref', 'refs/heads/t', commit], { cwd: path })
    expect(execFileSync('git', ['fsck', '--strict'], { cwd: path }).toString()).toBe('')
    expect(execFileSync('git', ['cat-file', 'blob', `${commit}:a`], { cwd: path }).equals(AWKWARD)).toBe(true)
  })

  it('follow core.looseCompression, and rewriting an object is harmless', async () => {
    repo = await makeRepo({ 'README.md': '# r\n' })
    const r = repo
    r.git('config', 'core.looseCompression', '9')
    const git = await Git.open(r.path)
    const bytes = Buffer.from('compress me '.repeat(100))
    const oid = await git.writeBlob(bytes)
    const file = readFileSync(looseFile(r, oid))
    // The top two bits of a zlib header's second byte name the level class: 3 is "maximum".
    expect((file[1] ?? 0) >> 6).toBe(3)
    expect(inflateSync(file).subarray(`blob ${bytes.length}\0`.length).equals(bytes)).toBe(true)
    // Another handle (no cache) writes it again over the same file.
    expect(await (await Git.open(r.path)).writeBlob(bytes)).toBe(oid)
    expect(r.git('cat-file', '-s', oid)).toBe(String(bytes.length))
  })

  it('are left to git in a shared repository, which sets the group permissions', async () => {
    repo = await makeRepo({ 'README.md': '# r\n' })
    const r = repo
    r.git('config', 'core.sharedRepository', 'group')
    const git = await Git.open(r.path)
    const oid = await git.writeBlob(AWKWARD)
    expect(oid).toBe(gitHash(r, 'blob', AWKWARD))
    // git made the fan-out directory group-writable and setgid, as only it knows how.
    const mode = statSync(join(r.path, '.git', 'objects', oid.slice(0, 2))).mode
    expect(mode & 0o2070).toBe(0o2070)
    const tree = await git.writeTree([{ mode: MODE.file, name: Buffer.from('a.txt'), oid }])
    expect(r.git('cat-file', '-t', tree)).toBe('tree')
  })

  it('are read back from memory, while names git must resolve still go to git', async () => {
    repo = await makeRepo({ 'pkg/a.py': 'x = 1\n' })
    const r = repo
    const git = await Git.open(r.path)
    const head = r.git('rev-parse', 'HEAD')
    const blob = await git.writeBlob(AWKWARD)
    const tree = await git.writeTree([{ mode: MODE.file, name: Buffer.from('b.py'), oid: blob }])
    const commit = await git.commitTree(tree, [head], 'm\n')
    const [byPath, missing, ref] = await git.readObjects([
      `${commit}:b.py`,
      `${commit}:nope`,
      'HEAD:pkg/a.py',
    ])
    expect(byPath?.content.equals(AWKWARD)).toBe(true)
    expect(missing).toBeNull()
    expect(ref?.content.toString()).toBe('x = 1\n')
    // Moving HEAD is seen at once: refs are never cached.
    r.write('pkg/a.py', 'x = 2\n')
    r.commitAll('second')
    expect((await git.readBlob('HEAD', 'pkg/a.py')).toString()).toBe('x = 2\n')
  })

  it('report a repository they cannot write to as a git failure with a hint, not a crash', async () => {
    repo = await makeRepo({ 'README.md': '# r\n' })
    const r = repo
    const git = await Git.open(r.path)
    const bytes = Buffer.from('blocked\n')
    const oid = objectId('blob', bytes, 'sha1')
    // The fan-out "directory" this object needs is a file (root ignores permission bits, so this
    // is how a test can make the write fail).
    const fanout = join(r.path, '.git', 'objects', oid.slice(0, 2))
    rmSync(fanout, { recursive: true, force: true })
    writeFileSync(fanout, 'not a directory')
    await expect(git.writeBlob(bytes)).rejects.toMatchObject({
      code: 'GIT_FAILED',
      message: expect.stringMatching(/cannot add a blob to .*objects: ENOTDIR/),
      hint: expect.stringMatching(/may write to the repository/),
    })
  })

  it('get fan-out directories made ahead of a burst of writes', async () => {
    repo = await makeRepo({ 'README.md': '# r\n' })
    const r = repo
    const git = await Git.open(r.path)
    await git.prepareObjectWrites()
    const objects = join(r.path, '.git', 'objects')
    expect(readdirSync(objects).filter((d) => /^[0-9a-f]{2}$/.test(d))).toHaveLength(256)
    await git.prepareObjectWrites()
    // Empty ones are git prune's to remove, and it does.
    r.git('prune')
    expect(readdirSync(objects).filter((d) => /^[0-9a-f]{2}$/.test(d)).length).toBeLessThan(10)
  })
})
