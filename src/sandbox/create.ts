import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fail, isMomentumError } from '../errors/index.js'
import {
  addBareWorktree,
  type Git,
  type LsEntry,
  lsTree,
  MODE,
  removeWorktree,
  resolveLinkTarget,
} from '../git/index.js'
import { ensureParent } from './files.js'
import { assertRunId, branchName, runDir, slugFor } from './names.js'
import { assertOwnership, isDirOwnership } from './ownership.js'
import { SandboxImpl } from './sandbox.js'
import type { Ownership, Sandbox, SandboxSpec } from './types.js'

/** What the base holds at the owned paths: path -> entry (regular files only). */
export type BaseFiles = Map<string, LsEntry>

async function inspectBase(git: Git, base: string, owns: readonly Ownership[]): Promise<BaseFiles> {
  const files = owns.filter((o) => !isDirOwnership(o)).map((o) => o.path)
  const prefixes = new Set<string>()
  for (const o of owns) {
    const parts = o.path.replace(/\/$/, '').split('/')
    for (let i = 1; i < parts.length; i++) prefixes.add(parts.slice(0, i).join('/'))
    if (isDirOwnership(o) && o.path !== '') prefixes.add(o.path.slice(0, -1))
  }
  const entries = await lsTree(git, base, { paths: [...new Set([...files, ...prefixes])] })
  const byPath = new Map(entries.map((e) => [e.path, e]))
  for (const e of entries) {
    if (e.mode === MODE.gitlink)
      throw fail(
        'SUBMODULE_PATH',
        `${e.path} is a submodule`,
        'Run inside the submodule, or leave it out of the paths.',
        { path: e.path },
      )
    if (e.mode === MODE.symlink) {
      const target = (await git.readObjects([e.oid]))[0]?.content.toString('utf8') ?? ''
      if (resolveLinkTarget(e.path, target) === null) {
        throw fail(
          'SYMLINK_OUTSIDE',
          `${e.path} is a symlink to ${target}, outside the repository`,
          'Leave the symlink out of the paths.',
          { path: e.path, target },
        )
      }
      throw fail(
        'USAGE',
        `${e.path} is a symlink; agents edit regular files`,
        `Use its target ${target} instead.`,
        { path: e.path, target },
      )
    }
  }
  for (const p of prefixes) {
    const e = byPath.get(p)
    if (e && e.type !== 'tree')
      throw fail('PATH_MISSING', `${p} is a file, so nothing below it can be owned`, 'Check the paths.', {
        path: p,
      })
  }
  const result: BaseFiles = new Map()
  for (const o of owns) {
    if (isDirOwnership(o)) {
      const listed = await lsTree(git, base, {
        recursive: true,
        ...(o.path === '' ? {} : { paths: [o.path] }),
      })
      for (const e of listed) if (e.mode === MODE.file || e.mode === MODE.exec) result.set(e.path, e)
      continue
    }
    const e = byPath.get(o.path)
    if (e && e.type === 'blob') result.set(o.path, e)
    else if (e)
      throw fail(
        'PATH_MISSING',
        `${o.path} is a directory; own it as "${o.path}/"`,
        'Use a trailing slash for directory ownership.',
        { path: o.path },
      )
    else if (!('whole' in o))
      throw fail(
        'PATH_MISSING',
        `${o.path} does not exist in the base`,
        'Only a whole-file owner may create a file.',
        { path: o.path },
      )
  }
  return result
}

/** What a sandbox starts from: the owned base entries and their bytes (shared, never mutated). */
interface BaseContent {
  baseFiles: BaseFiles
  baseBytes: Map<string, Buffer>
}

/** Promises remembered per Git handle and key; a rejected one is forgotten so a retry reads again. */
class PerGit<T> {
  private readonly byGit = new WeakMap<Git, Map<string, Promise<T>>>()

  get(git: Git, key: string, load: () => Promise<T>): Promise<T> {
    let byKey = this.byGit.get(git)
    if (!byKey) {
      byKey = new Map()
      this.byGit.set(git, byKey)
    }
    const known = byKey.get(key)
    if (known) return known
    const made = load()
    const map = byKey
    map.set(key, made)
    made.catch(() => map.delete(key))
    return made
  }
}

// Siblings of one run share a base commit and usually a file, and every git process is costly
// (a spawn forks the whole host process, wasm validators and all). Commits are immutable, so a
// base oid is peeled, and what it holds at some owned paths is read, once per Git handle.
const peeled = new PerGit<string | null>()
const contents = new PerGit<BaseContent>()
const OID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/

async function resolveBase(git: Git, rev: string): Promise<string> {
  const peel = (): Promise<string | null> => git.resolve(`${rev}^{commit}`)
  // Only a full oid is stable: a ref name may move between two sandboxes.
  const base = await (OID.test(rev) ? peeled.get(git, rev, peel) : peel())
  if (!base)
    throw fail('NO_COMMITS', `base ${rev} is not a commit`, 'Start the run from an existing commit.', {
      base: rev,
    })
  return base
}

function baseContent(git: Git, base: string, owns: readonly Ownership[]): Promise<BaseContent> {
  // Ranges do not change what is read (the caller checks them), so siblings owning different
  // ranges of one file share the entry.
  const key = JSON.stringify(owns.map((o) => [o.path, 'whole' in o]))
  return contents.get(git, `${base}\0${key}`, async () => {
    const baseFiles = await inspectBase(git, base, owns)
    const blobs = await git.readObjects([...baseFiles.values()].map((e) => e.oid))
    const baseBytes = new Map<string, Buffer>()
    for (const [i, p] of [...baseFiles.keys()].entries())
      baseBytes.set(p, blobs[i]?.content ?? Buffer.alloc(0))
    return { baseFiles, baseBytes }
  })
}

/**
 * Creates an agent's sandbox: validates everything first, then the branch (atomic create), then a
 * worktree with no checkout, then writes only the owned files. Any failure undoes what was made.
 */
export async function createSandbox(git: Git, spec: SandboxSpec): Promise<Sandbox> {
  assertRunId(spec.runId)
  assertOwnership(spec.owns)
  const slug = slugFor(spec.agentId)
  const branch = branchName(spec.runId, slug)
  const dir = join(runDir(git.commonDir, spec.runId), slug)
  const base = await resolveBase(git, spec.base)
  const { baseFiles, baseBytes } = await baseContent(git, base, spec.owns)
  for (const o of spec.owns) {
    if ('whole' in o) continue
    const size = baseBytes.get(o.path)?.length ?? 0
    if (o.end > size)
      throw fail(
        'USAGE',
        `range ${o.start}-${o.end} is past the end of ${o.path} (${size} bytes)`,
        'Rediscover nodes on the base commit.',
        { ...o, size },
      )
  }
  if (existsSync(dir))
    throw fail(
      'ALREADY_EXISTS',
      `sandbox directory ${dir} already exists`,
      `Remove the run first: git momentum abort ${spec.runId}`,
      { dir },
    )
  try {
    await git.updateRefs([{ op: 'create', ref: `refs/heads/${branch}`, oid: base }])
  } catch (e) {
    const stderr = isMomentumError(e) ? String(e.data.stderr ?? '') : ''
    if (/already exists|exists; cannot create|cannot lock ref/.test(stderr)) {
      throw fail(
        'BRANCH_EXISTS',
        `branch ${branch} already exists`,
        `Pick a new run id, or remove the old run: git momentum abort ${spec.runId}`,
        { branch },
      )
    }
    throw e
  }
  try {
    await mkdir(dirname(dir), { recursive: true })
    await addBareWorktree(git, dir, branch)
    for (const [path, bytes] of baseBytes) {
      await ensureParent(dir, path)
      await writeFile(join(dir, path), bytes)
    }
  } catch (e) {
    await removeWorktree(git, dir).catch(() => undefined)
    await git.updateRefs([{ op: 'delete', ref: `refs/heads/${branch}`, old: base }]).catch(() => undefined)
    throw e
  }
  return new SandboxImpl(git, { ...spec, base }, slug, branch, dir, baseFiles, baseBytes)
}
