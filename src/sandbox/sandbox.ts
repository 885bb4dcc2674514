import { lstat, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fail } from '../errors/index.js'
import { editTree, type Git, type LsEntry, MODE, type PathChange, removeWorktree } from '../git/index.js'
import { assertNoSymlink, ensureParent, walkFiles } from './files.js'
import { childPatches } from './guard.js'
import { attemptPrefix, attemptRef } from './names.js'
import { assertSafePath, describeOwnership, isDirOwnership, ownerOf } from './ownership.js'
import { buildMessage, TRAILER } from './trailers.js'
import type { Ownership, Sandbox, SandboxSpec, Trailers } from './types.js'

/** The Sandbox implementation; created only by createSandbox. */
export class SandboxImpl implements Sandbox {
  readonly runId: string
  readonly agentId: string
  readonly base: string
  readonly owns: readonly Ownership[]

  constructor(
    private readonly git: Git,
    spec: SandboxSpec,
    readonly slug: string,
    readonly branch: string,
    readonly worktree: string,
    private readonly baseFiles: Map<string, LsEntry>,
    private readonly baseBytes: Map<string, Buffer>,
  ) {
    this.runId = spec.runId
    this.agentId = spec.agentId
    this.base = spec.base
    this.owns = spec.owns
    // createSandbox made the branch at base a moment ago.
    this.known = spec.base
  }

  // The branch is ours and every move of it goes through this object (commits, merges, reset),
  // so commits build on this instead of reading the ref; compare-and-swap catches anyone else.
  private known: string | null

  private get ref(): string {
    return `refs/heads/${this.branch}`
  }

  /** Current branch head. */
  async head(): Promise<string> {
    const oid = await this.git.resolve(this.ref)
    this.known = oid
    if (!oid)
      throw fail(
        'GIT_FAILED',
        `sandbox branch ${this.branch} is gone`,
        'The run was removed; start a new one.',
        { branch: this.branch },
      )
    return oid
  }

  private async owned(path: string): Promise<Ownership> {
    assertSafePath(path)
    const o = ownerOf(this.owns, path)
    if (!o)
      throw fail(
        'RANGE_VIOLATION',
        `${this.agentId} does not own ${path}`,
        'Agents may only touch their own node.',
        { path, agent: this.agentId },
      )
    await assertNoSymlink(this.worktree, path)
    return o
  }

  /** Bytes of an owned path in the worktree. */
  async readFile(path: string): Promise<Buffer> {
    await this.owned(path)
    return readFile(join(this.worktree, path)).catch(() => {
      throw fail('PATH_MISSING', `${path} does not exist in the sandbox`, 'Write it first.', { path })
    })
  }

  /** Writes an owned path in the worktree. */
  async writeFile(path: string, bytes: Buffer): Promise<void> {
    await this.owned(path)
    await ensureParent(this.worktree, path)
    await writeFile(join(this.worktree, path), bytes)
  }

  /** Deletes a wholly owned path in the worktree. */
  async removeFile(path: string): Promise<void> {
    const o = await this.owned(path)
    if (!('whole' in o))
      throw fail(
        'RANGE_VIOLATION',
        `${this.agentId} owns only part of ${path} and cannot delete it`,
        'Only a whole-file owner may delete.',
        { path },
      )
    await rm(join(this.worktree, path), { force: true })
  }

  /** Owned paths as they are on disk now: present ones and base ones that were deleted. */
  private async currentPaths(): Promise<{ present: string[]; deleted: string[] }> {
    const present = new Set<string>()
    for (const o of this.owns) {
      if (isDirOwnership(o)) {
        for (const p of await walkFiles(this.worktree, o.path)) present.add(p)
        continue
      }
      const st = await lstat(join(this.worktree, o.path)).catch(() => null)
      if (st?.isSymbolicLink())
        throw fail(
          'SYMLINK_OUTSIDE',
          `${o.path} is a symlink in the sandbox`,
          'Sandboxes hold regular files only.',
          { path: o.path },
        )
      if (st?.isFile()) present.add(o.path)
    }
    for (const p of present) assertSafePath(p)
    const deleted = [...this.baseFiles.keys()].filter((p) => !present.has(p))
    return { present: [...present], deleted }
  }

  /** Commits owned paths as a child of the current head; the range guard runs before the ref moves. */
  async commit(message: string, trailers: Trailers): Promise<string> {
    const head = this.known ?? (await this.head())
    const { present, deleted } = await this.currentPaths()
    const oids = await this.git.writeBlobFiles(present.map((p) => join(this.worktree, p)))
    const changes = new Map<string, PathChange>()
    for (const [i, p] of present.entries()) {
      changes.set(p, { mode: this.baseFiles.get(p)?.mode ?? MODE.file, oid: oids[i] ?? '' })
    }
    for (const p of deleted) changes.set(p, null)
    const { tree, original } = await editTree(this.git, head, changes)
    if (tree === original) return head
    await childPatches(this.git, this.base, tree, this.owns, this.agentId)
    const full: Trailers = {
      [TRAILER.run]: this.runId,
      [TRAILER.agent]: this.agentId,
      [TRAILER.range]: this.owns.map(describeOwnership),
      ...trailers,
    }
    const commit = await this.git.commitTree(tree, [head], buildMessage(message, full))
    await this.moveTo(commit, head)
    return commit
  }

  /** Internal: moves the branch from `old` (compare-and-swap) and remembers where it is. */
  async moveTo(oid: string, old: string): Promise<void> {
    this.known = null
    await this.git.updateRefs([{ op: 'update', ref: this.ref, oid, old }])
    this.known = oid
  }

  /** Branch back to base; the abandoned head stays reachable under refs/momentum/attempts/. */
  async reset(): Promise<string | null> {
    const head = await this.head()
    this.known = null
    let kept: string | null = null
    if (head !== this.base) {
      const prior = await this.git.listRefs(`${attemptPrefix(this.runId)}/${this.slug}`)
      kept = attemptRef(this.runId, this.slug, prior.length + 1)
      await this.git.updateRefs([
        { op: 'create', ref: kept, oid: head },
        { op: 'update', ref: this.ref, oid: this.base, old: head },
      ])
    }
    this.known = this.base
    const { present } = await this.currentPaths()
    for (const p of present) if (!this.baseBytes.has(p)) await rm(join(this.worktree, p), { force: true })
    for (const [p, bytes] of this.baseBytes) {
      await ensureParent(this.worktree, p)
      await writeFile(join(this.worktree, p), bytes)
    }
    return kept
  }

  /** Removes the worktree and, unless kept, the branch. Safe to call twice. */
  async discard(opts: { keepBranch?: boolean } = {}): Promise<void> {
    await removeWorktree(this.git, this.worktree)
    if (opts.keepBranch) return
    this.known = null
    if (await this.git.resolve(this.ref)) await this.git.updateRefs([{ op: 'delete', ref: this.ref }])
  }

  /** Internal: after a merge, the parent's worktree must show the merged bytes. */
  async applyMerged(files: Map<string, Buffer | null>): Promise<void> {
    for (const [p, bytes] of files) {
      if (bytes === null) await rm(join(this.worktree, p), { force: true })
      else {
        await ensureParent(this.worktree, p)
        await writeFile(join(this.worktree, p), bytes)
      }
    }
  }
}
