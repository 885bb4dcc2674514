import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { lstat, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fail } from '../errors/index.js'
import { type BatchObject, catFileReply, lineReplies, type ReplyParser } from './batch.js'
import { type ExecOptions, type GitFailure, gitFailed, runGit, tryGit } from './exec.js'
import { type LooseWriteOptions, looseWriteOptions, ObjectStore, type WritableType } from './objects.js'
import { refNameProblem } from './refname.js'
import { withLockRetry } from './retry.js'
import { GitSession } from './session.js'
import { diffTreeObjects, type TreeChange } from './tree-diff.js'
import { type ObjectFormat, parseTree, serializeTree, type TreeEntry } from './tree-object.js'
import { assertGitVersion } from './version.js'

/** Facts about the repository a run starts from; detached HEAD and a dirty tree are allowed. */
export interface RepoState {
  /** Full ref HEAD points at, or null when HEAD is detached. */
  branch: string | null
  detached: boolean
  /** Whether tracked or untracked changes exist (the run still starts from the HEAD commit). */
  dirty: boolean
}

/** One ref change inside an atomic `update-ref --stdin` transaction; `old` is the CAS value. */
export type RefUpdate =
  | { op: 'create'; ref: string; oid: string }
  | { op: 'update'; ref: string; oid: string; old: string }
  | { op: 'delete'; ref: string; old?: string }

let versionCheck: Promise<unknown> | null = null
const IDENTITY_FALLBACK = { GIT_AUTHOR_NAME: 'git-momentum', GIT_AUTHOR_EMAIL: 'momentum@localhost' }

/** A changed path between two trees (see tree-diff.ts). */
export type { TreeChange }

/** The one entry point to git: every process the project starts goes through this class. */
export class Git {
  private constructor(
    /** Top of the working tree this instance was opened in. */
    readonly root: string,
    /** This worktree's git dir. */
    readonly gitDir: string,
    /** The shared git dir (objects, refs); sandboxes live under it. */
    readonly commonDir: string,
    /** sha1 or sha256. */
    readonly objectFormat: ObjectFormat,
    private readonly identity: Record<string, string>,
  ) {
    this.store = new ObjectStore(join(commonDir, 'objects'), objectFormat)
  }

  private readonly sessions = new Map<string, GitSession[]>()
  private readonly store: ObjectStore

  /** The least busy long-running git process for one batch command, started on first use. */
  private session(...args: string[]): GitSession {
    const key = args.join('\0')
    let pool = this.sessions.get(key)
    if (!pool) {
      // update-ref is not pipelined: it exits on a failed compare-and-swap, an expected answer that
      // must reach only its own request. So that concurrent agents' ref updates do not queue behind
      // one another's round trips, it gets a few processes. The others only die on our own bugs
      // (bad input we built), so one pipelined process each serves everyone.
      const serial = args[0] === 'update-ref'
      pool = Array.from(
        { length: serial ? 4 : 1 },
        () => new GitSession(this.root, args, this.identity, !serial),
      )
      this.sessions.set(key, pool)
    }
    return pool.reduce((best, s) => (s.load < best.load ? s : best))
  }

  /** Sends one request to a batch session; a git failure throws GIT_FAILED carrying stderr. */
  private async ask<T>(args: string[], input: Buffer | string, parse: ReplyParser<T>): Promise<T> {
    try {
      return await withLockRetry(async () => {
        try {
          return { ok: true as const, value: await this.session(...args).request(input, parse) }
        } catch (failure) {
          const f = failure as GitFailure
          return { ok: false as const, stderr: f.stderr ?? '', error: failure }
        }
      })
    } catch (failure) {
      if (typeof failure === 'object' && failure !== null && 'ok' in failure)
        throw gitFailed(failure as GitFailure)
      throw failure
    }
  }

  /** Ends this handle's batch processes (they also end by themselves when idle). */
  close(): void {
    for (const pool of this.sessions.values()) for (const s of pool) s.close()
  }

  /** Opens the repository containing `cwd`: NOT_A_REPO, BARE_REPO or GIT_TOO_OLD when it cannot be used. */
  static async open(cwd: string): Promise<Git> {
    versionCheck ??= runGit(['version'], { cwd: process.cwd() }).then(assertGitVersion)
    const version = versionCheck.catch((e: unknown) => {
      versionCheck = null
      throw e
    })
    const notRepo = fail(
      'NOT_A_REPO',
      `${cwd} is not inside a git repository`,
      'Run this inside a git working tree, or run `git init` first.',
      { cwd },
    )
    if (!existsSync(cwd)) {
      await version
      throw notRepo
    }
    const args = [
      'rev-parse',
      '--path-format=absolute',
      '--git-dir',
      '--git-common-dir',
      '--is-bare-repository',
      '--is-inside-work-tree',
      '--show-object-format',
    ]
    // Every git process costs tens of milliseconds here, so the ones that do not depend on each
    // other start together: the common case (a working tree) needs one probe, and the idents and
    // object settings a run's first commit needs are read beside it. The version check only
    // decides which error an old git gets.
    const config = tryGit(['config', '-z', '--get-regexp', WRITE_SETTINGS], { cwd })
    config.catch(() => undefined)
    const [probe, ident, author] = await Promise.all([
      tryGit([...args, '--show-toplevel'], { cwd }),
      tryGit(['var', 'GIT_COMMITTER_IDENT'], { cwd }),
      tryGit(['var', 'GIT_AUTHOR_IDENT'], { cwd }),
    ])
    await version
    let root: string
    let lines: string[]
    if (probe.ok) {
      lines = probe.stdout.split('\n')
      root = lines[5] ?? ''
    } else {
      // Outside a working tree --show-toplevel fails; ask again without it to say why.
      const again = await tryGit(args, { cwd })
      if (!again.ok) throw notRepo
      lines = again.stdout.split('\n')
      root = ''
    }
    const [gitDir = '', commonDir = '', bare, inside, format] = lines
    if (bare === 'true')
      throw fail(
        'BARE_REPO',
        `${cwd} is a bare repository`,
        'Clone it into a repository with a working tree and run there.',
        { cwd },
      )
    if (inside !== 'true' || root === '')
      throw fail(
        'NOT_A_REPO',
        `${cwd} is inside a .git directory, not a working tree`,
        'Run this from the working tree.',
        { cwd },
      )
    const identity = ident.ok
      ? {}
      : {
          ...IDENTITY_FALLBACK,
          GIT_COMMITTER_NAME: 'git-momentum',
          GIT_COMMITTER_EMAIL: 'momentum@localhost',
        }
    const git = new Git(root, gitDir, commonDir, format === 'sha256' ? 'sha256' : 'sha1', identity)
    git.optionsPromise = config.then((out) => looseWriteOptions(out.ok ? out.stdout : ''))
    git.optionsPromise.catch(() => {
      git.optionsPromise = null
    })
    // Without a committer identity the fallback applies, and the idents are asked again under it.
    if (ident.ok && author.ok) git.identsPromise = Promise.resolve(idents(author.stdout, ident.stdout))
    else void git.idents().catch(() => undefined)
    return git
  }

  /** Runs git in the repo root (or `opts.cwd`); throws GIT_FAILED with stderr on failure. */
  run(args: string[], opts: Partial<ExecOptions> = {}): Promise<string> {
    return runGit(args, { ...opts, cwd: opts.cwd ?? this.root, env: { ...this.identity, ...opts.env } })
  }

  /** Like run, but returns the failure instead of throwing. */
  tryRun(
    args: string[],
    opts: Partial<ExecOptions> = {},
  ): Promise<{ ok: true; stdout: string } | GitFailure> {
    return tryGit(args, { ...opts, cwd: opts.cwd ?? this.root, env: { ...this.identity, ...opts.env } })
  }

  /** The HEAD commit; NO_COMMITS in a repository without one. */
  async headCommit(): Promise<string> {
    const out = await this.tryRun(['rev-parse', '--verify', '--end-of-options', 'HEAD^{commit}'])
    if (!out.ok)
      throw fail('NO_COMMITS', 'the repository has no commits yet', 'Make a first commit, then run again.')
    return out.stdout.trim()
  }

  /** Branch, detached and dirty facts about the user's checkout (reads only; takes no locks). */
  async state(): Promise<RepoState> {
    const [sym, status] = await Promise.all([
      this.tryRun(['rev-parse', '--symbolic-full-name', 'HEAD']),
      this.run(['status', '--porcelain=v1', '-z', '--ignore-submodules=dirty']),
    ])
    const name = sym.ok ? sym.stdout.trim() : ''
    const detached = name === 'HEAD' || name === ''
    return { branch: detached ? null : name, detached, dirty: status.length > 0 }
  }

  /** Resolves a revision to an object id, or null when it does not exist. */
  async resolve(rev: string): Promise<string | null> {
    // Same name syntax as rev-parse --verify; the batch process has no options to confuse it with.
    if (rev === '' || rev.includes('\n')) return null
    const [obj] = await this.readObjects([rev])
    return obj?.oid ?? null
  }

  /** Reads objects by name (`oid`, `commit:path`, `commit^{tree}`) in one process; null when missing. */
  async readObjects(names: string[]): Promise<Array<BatchObject | null>> {
    if (names.length === 0) return []
    for (const n of names)
      if (n.includes('\n'))
        throw fail('USAGE', 'object names cannot contain newlines', 'Rename the path.', { name: n })
    return Promise.all(names.map((n) => this.readObject(n)))
  }

  private async readObject(name: string): Promise<BatchObject | null> {
    // Most of a run's reads are of objects it wrote or read moments ago: those never leave this process.
    const known = this.store.resolve(name)
    if (known === null) return null
    const hit = known === undefined ? undefined : this.store.get(known)
    if (hit) return hit
    // One pipelined request per name: each reply is consumed as it arrives, so reading many big
    // blobs never re-scans or re-copies what came before.
    const obj = await this.ask(['cat-file', '--batch'], `${known ?? name}\n`, catFileReply)
    if (obj) this.store.remember(obj.oid, obj.type, obj.content)
    return obj
  }

  /** A blob's exact bytes at `commit:path`; PATH_MISSING when there is no such file. */
  async readBlob(commit: string, path: string): Promise<Buffer> {
    const [obj] = await this.readObjects([`${commit}:${path}`])
    if (obj?.type !== 'blob')
      throw fail(
        'PATH_MISSING',
        `${path} does not exist in ${commit.slice(0, 12)}`,
        'Check the path and the commit.',
        { path, commit },
      )
    return obj.content
  }

  /** Entries of one tree level, or [] for a name that does not resolve to a tree. */
  async readTree(name: string): Promise<{ oid: string; entries: TreeEntry[] } | null> {
    const [obj] = await this.readObjects([name])
    if (obj?.type !== 'tree') return null
    return { oid: obj.oid, entries: parseTree(obj.content, this.objectFormat) }
  }

  /** Writes bytes as a blob, unfiltered (no CRLF or LFS conversion: blobs stay byte-exact). */
  async writeBlob(bytes: Buffer): Promise<string> {
    const [oid] = await this.writeObjects('blob', [bytes])
    return oid ?? ''
  }

  /** Writes files from disk as blobs, unfiltered; returns oids in order. */
  async writeBlobFiles(absPaths: string[]): Promise<string[]> {
    if (absPaths.length === 0) return []
    return this.writeObjects('blob', await Promise.all(absPaths.map((p) => readFile(p))))
  }

  /** Writes a tree object from its entries (sorted here into git's order); returns its id. */
  async writeTree(entries: TreeEntry[]): Promise<string> {
    const [oid] = await this.writeObjects('tree', [serializeTree(entries)])
    return oid ?? ''
  }

  /**
   * Writes objects of one type; returns their ids in order. Loose objects are written in-process
   * (src/git/objects.ts), unless the repository's config asks for something only git does right.
   */
  async writeObjects(type: WritableType, contents: Buffer[]): Promise<string[]> {
    if (contents.length === 0) return []
    const opts = await this.writeOptions()
    if (opts.delegate === null) {
      try {
        return await Promise.all(contents.map((c) => this.store.write(type, c, opts)))
      } catch (err) {
        // What hash-object would have said, in our terms: a repository we may not write to is the
        // user's to fix, not a crash.
        const code = (err as NodeJS.ErrnoException).code ?? ''
        throw fail(
          'GIT_FAILED',
          `cannot add a ${type} to ${join(this.commonDir, 'objects')}: ${code || (err as Error).message}`,
          code === 'ENOSPC'
            ? 'Free some disk space, then resume the run.'
            : 'Check that you may write to the repository (owner and permissions of .git/objects).',
          { code },
          err,
        )
      }
    }
    const oids = await this.writeObjectFiles(type, contents)
    for (const [i, oid] of oids.entries()) this.store.remember(oid, type, contents[i] ?? Buffer.alloc(0))
    return oids
  }

  /** Readies the object store for many writes (see ObjectStore.prepareFanout); safe to skip or repeat. */
  prepareObjectWrites(): Promise<void> {
    this.fanoutPromise ??= this.writeOptions().then((o) =>
      o.delegate ? undefined : this.store.prepareFanout(),
    )
    return this.fanoutPromise
  }

  private fanoutPromise: Promise<void> | null = null
  private optionsPromise: Promise<LooseWriteOptions> | null = null

  /** How this repository wants loose objects written, read once per handle. */
  private writeOptions(): Promise<LooseWriteOptions> {
    this.optionsPromise ??= this.tryRun(['config', '-z', '--get-regexp', WRITE_SETTINGS]).then((out) =>
      looseWriteOptions(out.ok ? out.stdout : ''),
    )
    this.optionsPromise.catch(() => {
      this.optionsPromise = null
    })
    return this.optionsPromise
  }

  /** Tree id of a commit. */
  async treeOf(commit: string): Promise<string> {
    if (/^[0-9a-f]{40,64}$/.test(commit)) {
      const [obj] = await this.readObjects([`${commit}^{tree}`])
      if (obj) return obj.oid
    }
    return (await this.run(['rev-parse', '--verify', '--end-of-options', `${commit}^{tree}`])).trim()
  }

  /**
   * Creates a commit object, byte for byte what `git commit-tree` writes (tree, parents, author,
   * committer, blank line, message). A run makes one per agent, and a process per commit was most
   * of a run's git time. The message (model text included) is object content, never an argument.
   */
  async commitTree(tree: string, parents: string[], message: string): Promise<string> {
    for (const oid of [tree, ...parents])
      if (!OID.test(oid))
        throw fail(
          'GIT_FAILED',
          `commitTree needs object ids, got ${JSON.stringify(oid)}`,
          'This is a bug in git-momentum.',
        )
    const who = await this.idents()
    const lines = [`tree ${tree}`, ...[...new Set(parents)].map((p) => `parent ${p}`)]
    lines.push(`author ${who.author()}`, `committer ${who.committer()}`, '')
    const body = Buffer.concat([
      Buffer.from(`${lines.join('\n')}\n`, 'utf8'),
      Buffer.from(message.replace(/\0/g, ''), 'utf8'),
    ])
    const [oid] = await this.writeObjects('commit', [body])
    return oid ?? ''
  }

  private identsPromise: Promise<{ author: () => string; committer: () => string }> | null = null

  /** Author and committer as `git var` reports them (config, environment, fallback identity). */
  private idents(): Promise<{ author: () => string; committer: () => string }> {
    this.identsPromise ??= Promise.all([
      this.run(['var', 'GIT_AUTHOR_IDENT']),
      this.run(['var', 'GIT_COMMITTER_IDENT']),
    ]).then(([author, committer]) => idents(author, committer))
    this.identsPromise.catch(() => {
      this.identsPromise = null
    })
    return this.identsPromise
  }

  /**
   * Removes staging files (see writeObjectFiles) older than `olderThanMs`; returns how many. Each
   * lives for one hash-object call, so an old one was left by a process killed mid-write.
   */
  async sweepStaging(olderThanMs = 60 * 60 * 1000): Promise<number> {
    const dir = join(this.commonDir, 'momentum', 'tmp')
    const names = await readdir(dir).catch(() => [] as string[])
    const cutoff = Date.now() - olderThanMs
    let removed = 0
    for (const name of names) {
      const file = join(dir, name)
      const st = await lstat(file).catch(() => null)
      if (!st?.isFile() || st.mtimeMs > cutoff) continue
      await rm(file, { force: true })
      removed++
    }
    return removed
  }

  /** Writes objects through git's hash-object, staged as private files the batch process reads. */
  private async writeObjectFiles(type: WritableType, contents: Buffer[]): Promise<string[]> {
    const dir = join(this.commonDir, 'momentum', 'tmp')
    await mkdir(dir, { recursive: true })
    const files = contents.map(() => join(dir, `${type}-${process.pid}-${randomBytes(6).toString('hex')}`))
    try {
      await Promise.all(files.map((f, i) => writeFile(f, contents[i] ?? Buffer.alloc(0))))
      const args = [
        'hash-object',
        '-w',
        '--no-filters',
        ...(type === 'blob' ? [] : ['-t', type]),
        '--stdin-paths',
      ]
      return await this.ask(args, `${files.join('\n')}\n`, lineReplies(files.length))
    } finally {
      await Promise.all(files.map((f) => rm(f, { force: true })))
    }
  }

  /** Applies ref updates as one atomic transaction with compare-and-swap old values. */
  async updateRefs(updates: RefUpdate[]): Promise<void> {
    if (updates.length === 0) return
    const parts: string[] = ['start']
    for (const u of updates) {
      const problem = refNameProblem(u.ref)
      if (problem)
        throw fail('BAD_REF_NAME', `ref name ${u.ref} ${problem}`, 'This is a bug in git-momentum.', {
          ref: u.ref,
        })
      if (u.op === 'create') parts.push(`create ${u.ref}`, u.oid)
      else if (u.op === 'update') parts.push(`update ${u.ref}`, u.oid, u.old)
      else parts.push(`delete ${u.ref}`, u.old ?? '')
    }
    parts.push('prepare', 'commit')
    await this.ask(['update-ref', '--stdin', '-z'], `${parts.join('\0')}\0`, lineReplies(3))
  }

  /** Refs under a prefix with their object ids (`refs/heads/momentum/r1/`). */
  async listRefs(prefix: string): Promise<Array<{ ref: string; oid: string }>> {
    const out = await this.run([
      'for-each-ref',
      '--format=%(objectname) %(refname)',
      '--end-of-options',
      prefix,
    ])
    return out
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => ({ oid: l.slice(0, l.indexOf(' ')), ref: l.slice(l.indexOf(' ') + 1) }))
  }

  /** Changed paths between two commits or trees (recursive, no rename detection), like `diff-tree -r`. */
  async diffTrees(a: string, b: string): Promise<TreeChange[]> {
    if (a === b) return []
    return (await this.diffTreesFrom(a, [b])).get(b) ?? []
  }

  /**
   * Changed paths from one base to each of many heads (commits or trees), read from the tree
   * objects through the batch process: no git process per child, and only differing subtrees are read.
   */
  async diffTreesFrom(base: string, heads: readonly string[]): Promise<Map<string, TreeChange[]>> {
    const todo = [...new Set(heads)]
    const names = [base, ...todo]
    for (const n of names)
      if (n === '' || n.includes('\n') || n.includes(':'))
        throw fail('GIT_FAILED', `cannot diff ${JSON.stringify(n)}`, 'This is a bug in git-momentum.')
    const roots = await this.readObjects(names.map((n) => `${n}^{tree}`))
    roots.forEach((r, i) => {
      if (r?.type !== 'tree')
        throw fail('GIT_FAILED', `${names[i]} is not a commit or tree`, 'This is a bug in git-momentum.', {
          name: names[i],
        })
    })
    const read = async (oids: string[]): Promise<Buffer[]> =>
      (await this.readObjects(oids)).map((o) => o?.content ?? Buffer.alloc(0))
    const baseTree = roots[0]?.oid ?? ''
    const diffs = await Promise.all(
      todo.map((_, i) => diffTreeObjects(baseTree, roots[i + 1]?.oid ?? '', this.objectFormat, read)),
    )
    return new Map(heads.map((h) => [h, diffs[todo.indexOf(h)] ?? []]))
  }
}

const OID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/

/** The config keys that change how a loose object is written (see looseWriteOptions). */
const WRITE_SETTINGS = '^core\\.(sharedrepository|fsync|fsyncobjectfiles|compression|loosecompression)$'

/** Author and committer lines for new commits, from `git var` output. */
function idents(author: string, committer: string): { author: () => string; committer: () => string } {
  return {
    author: stamp(author.trim(), process.env.GIT_AUTHOR_DATE !== undefined),
    committer: stamp(committer.trim(), process.env.GIT_COMMITTER_DATE !== undefined),
  }
}

/**
 * An ident line for each new object: `git var`'s name and email with the current time, or its whole
 * line when the date is pinned in the environment (GIT_AUTHOR_DATE / GIT_COMMITTER_DATE).
 */
function stamp(ident: string, pinned: boolean): () => string {
  const who = ident.slice(0, ident.lastIndexOf('>') + 1)
  if (pinned || who === '') return () => ident
  return () => {
    const now = new Date()
    const offset = -now.getTimezoneOffset()
    const abs = Math.abs(offset)
    const tz = `${offset < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`
    return `${who} ${Math.floor(now.getTime() / 1000)} ${tz}`
  }
}
