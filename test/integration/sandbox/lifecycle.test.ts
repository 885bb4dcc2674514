import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Git } from '../../../src/git/index.js'
import {
  createSandbox,
  listRuns,
  parseTrailers,
  removeRun,
  runRef,
  structuralMerge,
} from '../../../src/sandbox/index.js'
import { makeRepo, type TempRepo } from '../../support/repo.js'

let repo: TempRepo | null = null
afterEach(async () => {
  await repo?.cleanup()
  repo = null
})

const SRC = 'def a():\n    return 1\n\n\ndef b():\n    return 2\n'

/** Hash of everything a user could notice: files, index bytes, HEAD, refs, stash, config. */
function fingerprint(r: TempRepo): string {
  const h = createHash('sha256')
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      if (name === '.git') continue
      const p = join(dir, name)
      if (statSync(p).isDirectory()) walk(p)
      else h.update(p).update(readFileSync(p))
    }
  }
  walk(r.path)
  for (const f of ['index', 'HEAD', 'config']) h.update(f).update(readFileSync(join(r.path, '.git', f)))
  // Sandbox branches live in their own namespace; every other ref must be untouched.
  const refs = r.git(
    'for-each-ref',
    '--format=%(refname) %(objectname)',
    'refs/heads',
    'refs/tags',
    'refs/stash',
  )
  h.update(
    refs
      .split('\n')
      .filter((l) => !l.startsWith('refs/heads/momentum/'))
      .join('\n'),
  )
  h.update(r.git('stash', 'list'))
  h.update(r.git('--no-optional-locks', 'status', '--porcelain=v1'))
  return h.digest('hex')
}

describe('sandbox lifecycle', () => {
  it('materialises only owned paths, commits with parseable trailers, resets keeping attempts', async () => {
    repo = await makeRepo({ 'src/m.py': SRC, 'src/other.py': 'x = 1\n', 'README.md': '# hi\n' })
    const git = await Git.open(repo.path)
    const base = await git.headCommit()
    const start = Buffer.from(SRC).indexOf('def b')
    const sb = await createSandbox(git, {
      runId: 'life',
      agentId: 'src/m.py::b',
      base,
      owns: [{ path: 'src/m.py', start, end: Buffer.byteLength(SRC) }],
    })
    expect(sb.branch).toMatch(/^momentum\/life\/src-m\.py--b-[0-9a-f]{8}$/)
    expect(sb.worktree.startsWith(git.commonDir)).toBe(true)
    const files = readdirSync(sb.worktree, { recursive: true }).map(String).sort()
    expect(files).toEqual(['.git', 'src', 'src/m.py'])
    await sb.writeFile('src/m.py', Buffer.from(SRC.replace('return 2', 'return 3')))
    const c1 = await sb.commit('b returns 3\n\nBody text.', {
      'Momentum-Node-Kind': 'function',
      'Momentum-Attempt': '1',
      'Momentum-Model': 'test-model\nInjected: yes',
      'Momentum-Validation': ['ruff: pass', 'pyright: pass'],
    })
    const message = repo.git('log', '-1', '--format=%B', c1)
    const parsed = execFileSync('git', ['interpret-trailers', '--parse'], { input: message }).toString()
    expect(parsed).toContain('Momentum-Run: life')
    expect(parsed).toContain('Momentum-Agent: src/m.py::b')
    expect(parsed).toContain(`Momentum-Range: src/m.py:${start}-${Buffer.byteLength(SRC)}`)
    expect(parsed).toContain('Momentum-Validation: ruff: pass\nMomentum-Validation: pyright: pass')
    expect(parsed).toContain('Momentum-Model: test-model Injected: yes')
    expect(parsed).not.toMatch(/^Injected:/m)
    expect(parseTrailers(message)['Momentum-Validation']).toEqual(['ruff: pass', 'pyright: pass'])

    const kept = await sb.reset()
    expect(kept).toMatch(/^refs\/momentum\/attempts\/life\/.+\/1$/)
    expect(await sb.head()).toBe(base)
    expect(repo.git('rev-parse', kept ?? '')).toBe(c1)
    expect((await sb.readFile('src/m.py')).toString()).toBe(SRC)
    await sb.discard()
    await sb.discard()
    expect(existsSync(sb.worktree)).toBe(false)
    expect(repo.git('branch', '--list', 'momentum/*')).toBe('')
    const removed = await removeRun(git, 'life')
    expect(removed.refs).toBe(1)
    expect(await removeRun(git, 'life')).toEqual({ branches: 0, worktrees: 0, refs: 0 })
  })

  it('never commits over a branch someone else moved, and builds on it once it has looked again', async () => {
    repo = await makeRepo({ 'src/m.py': SRC })
    const git = await Git.open(repo.path)
    const base = await git.headCommit()
    const sb = await createSandbox(git, {
      runId: 'moved',
      agentId: 'src/m.py::a',
      base,
      owns: [{ path: 'src/m.py', start: 0, end: Buffer.byteLength(SRC) }],
    })
    await sb.writeFile('src/m.py', Buffer.from(SRC.replace('return 1', 'return 10')))
    const c1 = await sb.commit('a returns 10', {})
    // Someone else moves the sandbox branch (back to base) behind the sandbox's back.
    repo.git('update-ref', `refs/heads/${sb.branch}`, base)
    await sb.writeFile('src/m.py', Buffer.from(SRC.replace('return 1', 'return 11')))
    await expect(sb.commit('a returns 11', {})).rejects.toMatchObject({ code: 'GIT_FAILED' })
    expect(repo.git('rev-parse', `refs/heads/${sb.branch}`)).toBe(base)
    const c2 = await sb.commit('a returns 11', {})
    expect(repo.git('rev-parse', `${c2}^`)).toBe(base)
    expect(c2).not.toBe(c1)
    await sb.discard()
  })

  it('leaves the user repo byte-identical and gc leaves nothing for prune or fsck', async () => {
    repo = await makeRepo({ 'app/core.py': SRC, 'app/util.py': 'y = 2\n' })
    repo.git('branch', 'feature')
    repo.write('app/util.py', 'y = 3\n')
    repo.git('stash')
    repo.write('app/core.py', `${SRC}# dirty\n`)
    repo.write('untracked.txt', 'u\n')
    const before = fingerprint(repo)
    const git = await Git.open(repo.path)
    const state = await git.state()
    expect(state).toMatchObject({ dirty: true, detached: false, branch: 'refs/heads/main' })
    const base = await git.headCommit()
    const parent = await createSandbox(git, {
      runId: 'safe',
      agentId: 'app/',
      base,
      owns: [{ path: 'app/', whole: true }],
    })
    const kids = await Promise.all(
      ['app/core.py', 'app/util.py'].map((p) =>
        createSandbox(git, { runId: 'safe', agentId: p, base, owns: [{ path: p, whole: true }] }),
      ),
    )
    for (const k of kids) await k.writeFile(k.agentId, Buffer.from(`# edited by ${k.agentId}\n`))
    const heads = await Promise.all(kids.map((k) => k.commit('edit', {})))
    const res = await structuralMerge(git, {
      parent,
      children: kids.map((k, i) => ({ agentId: k.agentId, head: heads[i] ?? '', owns: [...k.owns] })),
      message: 'merge',
      trailers: {},
    })
    expect(res.ok).toBe(true)
    repo.git('update-ref', runRef('safe'), res.ok ? res.commit : base)
    expect((await listRuns(git)).map((r) => r.runId)).toEqual(['safe'])
    for (const k of kids) await k.discard()
    expect(fingerprint(repo)).toBe(before)
    const removed = await removeRun(git, 'safe')
    expect(removed.worktrees).toBe(1)
    expect(removed.branches).toBe(1)
    expect(fingerprint(repo)).toBe(before)
    expect(repo.git('worktree', 'prune', '--dry-run', '-v')).toBe('')
    expect(repo.git('worktree', 'list', '--porcelain').match(/^worktree /gm)?.length).toBe(1)
    expect(repo.git('fsck', '--no-progress', '--no-dangling')).toBe('')
    expect(repo.git('for-each-ref', 'refs/momentum', 'refs/heads/momentum')).toBe('')
    expect(existsSync(join(git.commonDir, 'momentum', 'safe'))).toBe(false)
    expect(await listRuns(git)).toEqual([])
  })

  it('creates, commits and merges 128 sandboxes at once without lock errors', async () => {
    const n = Number(process.env.MOMENTUM_TEST_AGENTS ?? 128)
    const lines = Array.from({ length: n }, (_, i) => `V${i} = ${i}\n`).join('')
    repo = await makeRepo({ 'big/values.py': lines })
    const git = await Git.open(repo.path)
    const base = await git.headCommit()
    const parent = await createSandbox(git, {
      runId: 'many',
      agentId: 'big/values.py',
      base,
      owns: [{ path: 'big/values.py', whole: true }],
    })
    const buf = Buffer.from(lines)
    const kids = await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const start = buf.indexOf(`V${i} = `)
        const end = buf.indexOf('\n', start) + 1
        const sb = await createSandbox(git, {
          runId: 'many',
          agentId: `big/values.py::V${i}`,
          base,
          owns: [{ path: 'big/values.py', start, end }],
        })
        const cur = await sb.readFile('big/values.py')
        await sb.writeFile(
          'big/values.py',
          Buffer.concat([cur.subarray(0, start), Buffer.from(`V${i} = ${i * 10}\n`), cur.subarray(end)]),
        )
        return { sb, head: await sb.commit(`V${i}`, {}) }
      }),
    )
    const res = await structuralMerge(git, {
      parent,
      children: kids.map((k) => ({ agentId: k.sb.agentId, head: k.head, owns: [...k.sb.owns] })),
      message: 'merge all',
      trailers: {},
    })
    expect(res.ok).toBe(true)
    if (!res.ok) return
    const merged = (await git.readBlob(res.commit, 'big/values.py')).toString()
    expect(merged).toBe(Array.from({ length: n }, (_, i) => `V${i} = ${i * 10}\n`).join(''))
    expect(repo.git('rev-list', '--parents', '-n', '1', res.commit).split(' ').length).toBe(n + 2)
    await Promise.all(kids.map((k) => k.sb.discard()))
    await removeRun(git, 'many')
    expect(repo.git('fsck', '--no-progress', '--no-dangling')).toBe('')
  }, 600_000)
})
