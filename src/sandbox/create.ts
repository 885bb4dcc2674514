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
  const base = await git.resolve(`${spec.base}^{commit}`)
  if (!base)
    throw fail('NO_COMMITS', `base ${spec.base} is not a commit`, 'Start the run from an existing commit.', {
      base: spec.base,
    })
  const baseFiles = await inspectBase(git, base, spec.owns)
  const blobs = await git.readObjects([...baseFiles.values()].map((e) => e.oid))
  const baseBytes = new Map<string, Buffer>()
  for (const [i, p] of [...baseFiles.keys()].entries()) baseBytes.set(p, blobs[i]?.content ?? Buffer.alloc(0))
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
