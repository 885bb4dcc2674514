import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { catFileReply, lineReplies } from '../../../src/git/batch.js'
import { gitConfig, gitEnv } from '../../../src/git/env.js'
import { Limiter } from '../../../src/git/limiter.js'
import { checkRefName, refNameProblem } from '../../../src/git/refname.js'
import { backoffDelay, DEFAULT_BACKOFF, isLockContention, withLockRetry } from '../../../src/git/retry.js'
import { resolveLinkTarget } from '../../../src/git/source.js'
import { objectId, parseTree, serializeTree } from '../../../src/git/tree-object.js'
import { assertGitVersion, parseGitVersion } from '../../../src/git/version.js'

describe('checkRefName', () => {
  it('accepts what check-ref-format accepts', () => {
    for (const ok of [
      'refs/heads/main',
      'refs/heads/momentum/r1/src-a.py--C.m-1a2b3c4d',
      'refs/tags/v1.0',
      'refs/heads/café',
    ]) {
      expect(refNameProblem(ok)).toBeNull()
    }
  })
  it('rejects every rule', () => {
    for (const bad of [
      '',
      '@',
      'main',
      '/refs/x',
      'refs/x/',
      'refs//x',
      'refs/x.',
      'refs/a..b',
      'refs/a@{b',
      'refs/a b',
      'refs/a~b',
      'refs/a^b',
      'refs/a:b',
      'refs/a?b',
      'refs/a*b',
      'refs/a[b',
      'refs/a\\b',
      'refs/.hidden',
      'refs/x.lock',
      'refs/a\u0001b',
      'refs/a\u007fb',
    ]) {
      expect(checkRefName(bad), bad).toBe(false)
    }
  })
})

describe('lock retry', () => {
  it('recognises lock contention but not CAS failures', () => {
    expect(isLockContention("fatal: Unable to create '/r/.git/index.lock': File exists.")).toBe(true)
    expect(
      isLockContention(
        "error: cannot lock ref 'refs/heads/x': Unable to create '/r/.git/refs/heads/x.lock': File exists.",
      ),
    ).toBe(true)
    expect(isLockContention('error: could not lock config file .git/config: File exists')).toBe(true)
    expect(isLockContention("fatal: cannot lock ref 'refs/heads/x': is at 1111 but expected 2222")).toBe(
      false,
    )
    expect(isLockContention("fatal: cannot lock ref 'refs/heads/x': reference already exists")).toBe(false)
    // A sibling `worktree add` half way through writing its admin dir.
    expect(isLockContention('fatal: failed to read .git/worktrees/a-1/commondir: Success')).toBe(true)
    expect(isLockContention("fatal: '/tmp/x' already exists")).toBe(false)
  })
  it('backs off exponentially within bounds and retries only contention', async () => {
    expect(backoffDelay(DEFAULT_BACKOFF, 0, 0)).toBeGreaterThan(0)
    expect(backoffDelay(DEFAULT_BACKOFF, 30, 1)).toBeLessThanOrEqual(DEFAULT_BACKOFF.maxMs)
    const delays: number[] = []
    let calls = 0
    const lock = "Unable to create 'x/index.lock': File exists"
    const value = await withLockRetry(
      async () =>
        ++calls < 4 ? { ok: false, stderr: lock, error: new Error('locked') } : { ok: true, value: 'done' },
      DEFAULT_BACKOFF,
      { sleep: async (ms) => void delays.push(ms), random: () => 0.5 },
    )
    expect(value).toBe('done')
    expect(delays).toHaveLength(3)
    expect(delays[2]).toBeGreaterThan(delays[0] ?? 0)
    const other = withLockRetry(
      async () => ({ ok: false, stderr: 'fatal: bad object', error: new Error('bad') }),
      DEFAULT_BACKOFF,
      { sleep: async () => undefined, random: () => 0 },
    )
    await expect(other).rejects.toThrow('bad')
    let n = 0
    const forever = withLockRetry(
      async () => ({ ok: false, stderr: lock, error: new Error(`try ${++n}`) }),
      { attempts: 3, baseMs: 1, maxMs: 1 },
      { sleep: async () => undefined, random: () => 0 },
    )
    await expect(forever).rejects.toThrow('try 3')
  })
  it('limits concurrency', async () => {
    const lim = new Limiter(2)
    let peak = 0
    await Promise.all(
      Array.from({ length: 8 }, () =>
        lim.run(async () => {
          peak = Math.max(peak, lim.running)
          await new Promise((r) => setTimeout(r, 5))
        }),
      ),
    )
    expect(peak).toBe(2)
  })
})

describe('environment and version', () => {
  it('drops ambient git variables and pins the locale', () => {
    const env = gitEnv({
      GIT_DIR: '/x',
      GIT_INDEX_FILE: '/y',
      PAGER: 'less',
      PATH: '/bin',
      GIT_AUTHOR_NAME: 'A',
    })
    expect(env.GIT_DIR).toBeUndefined()
    expect(env.GIT_INDEX_FILE).toBeUndefined()
    expect(env.PAGER).toBeUndefined()
    expect(env).toMatchObject({
      PATH: '/bin',
      LC_ALL: 'C',
      GIT_PAGER: 'cat',
      GIT_TERMINAL_PROMPT: '0',
      GIT_AUTHOR_NAME: 'A',
    })
    expect(gitConfig(false)).toEqual(
      expect.arrayContaining(['core.fsmonitor=false', 'core.hooksPath=/dev/null']),
    )
    expect(gitConfig(true)).not.toContain('core.hooksPath=/dev/null')
  })
  it('enforces the minimum git version', () => {
    expect(parseGitVersion('git version 2.39.5')).toEqual([2, 39, 5])
    expect(parseGitVersion('git version 2.40.1.windows.1')).toEqual([2, 40, 1])
    expect(() => assertGitVersion('git version 2.20.1')).toThrow(/older than/)
    expect(() => assertGitVersion('nonsense')).toThrow()
  })
})

describe('tree objects and batch output', () => {
  it('serialises in git order and hashes like git', () => {
    const oid = 'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391'
    const entries = [
      { mode: '100644', name: Buffer.from('a.b'), oid },
      { mode: '40000', name: Buffer.from('a'), oid: '4b825dc642cb6eb9a060e54bf8d69288fbee4904' },
      { mode: '100644', name: Buffer.from('a-b'), oid },
    ]
    const content = serializeTree(entries)
    // git sorts a directory as "a/", which comes after "a-b" and "a.b".
    expect(parseTree(content, 'sha1').map((e) => e.name.toString())).toEqual(['a-b', 'a.b', 'a'])
    const expected = createHash('sha1')
      .update(Buffer.concat([Buffer.from(`tree ${content.length}\0`), content]))
      .digest('hex')
    expect(objectId('tree', content, 'sha1')).toBe(expected)
  })
  it('parses cat-file --batch output with missing objects and binary content', () => {
    const body = Buffer.from([0, 10, 255])
    const oid = 'ab'.repeat(20)
    const out = Buffer.concat([Buffer.from(`${oid} blob 3\n`), body, Buffer.from('\nnope missing\n')])
    const first = catFileReply(out)
    if ('need' in first) throw new Error('a whole reply was there')
    expect(first.value?.content).toEqual(body)
    expect(first.value?.oid).toBe(oid)
    expect(catFileReply(out.subarray(first.used))).toEqual({ value: null, used: 'nope missing\n'.length })
    // A reply cut short asks for exactly the bytes it still needs, so a big blob is scanned once.
    const header = `${oid} blob 3\n`.length
    expect(catFileReply(out.subarray(0, 10))).toEqual({ need: 11 })
    expect(catFileReply(Buffer.from(`${oid} blob 3\n\0`))).toEqual({ need: header + 3 + 1 })
    expect(lineReplies(2)(Buffer.from('a\nb'))).toEqual({ need: 4 })
    expect(lineReplies(2)(Buffer.from('a\nb\nc'))).toEqual({ value: ['a', 'b'], used: 4 })
  })
  it('resolves symlink targets inside the repo only', () => {
    expect(resolveLinkTarget('a/link', '../b.py')).toBe('b.py')
    expect(resolveLinkTarget('a/link', '../../etc/passwd')).toBeNull()
    expect(resolveLinkTarget('link', '/etc/passwd')).toBeNull()
  })
})
