import { posix } from 'node:path'
import { fail } from '../errors/index.js'
import type { FileSource } from '../syntax/types.js'
import type { Git } from './git.js'
import { type LsEntry, lsTree } from './ls-tree.js'
import { MODE } from './tree-object.js'

const MAX_LINK_HOPS = 8

/** Where a symlink at `link` with `target` points, or null when that is outside the repository. */
export function resolveLinkTarget(link: string, target: string): string | null {
  if (target.startsWith('/')) return null
  const joined = posix.normalize(posix.join(posix.dirname(link), target))
  if (joined === '..' || joined.startsWith('../') || joined === '.') return null
  return joined
}

function submodule(path: string): Error {
  return fail(
    'SUBMODULE_PATH',
    `${path} is a submodule`,
    'Run git momentum inside the submodule itself, or leave it out of the paths.',
    { path },
  )
}

function outside(path: string, target: string): Error {
  return fail(
    'SYMLINK_OUTSIDE',
    `${path} is a symlink to ${target}, outside the repository`,
    'Leave the symlink out of the paths, or point it inside the repository.',
    { path, target },
  )
}

function clean(path: string): string {
  return path.replace(/^\.\/+/, '').replace(/\/+$/, '')
}

/**
 * File bytes of one commit. Submodules and symlinks are skipped when listing a directory; asked for
 * by name, a submodule is SUBMODULE_PATH and a symlink is followed only while it stays in the repo.
 */
export function commitSource(git: Git, commit: string): FileSource {
  // Entries seen by listFiles: reading a listed file then costs one cat-file, not an ls-tree too.
  const known = new Map<string, LsEntry>()
  const entryOf = async (path: string): Promise<LsEntry | null> => {
    const p = clean(path)
    if (p === '' || p === '.') return { mode: MODE.tree, type: 'tree', oid: '', path: '' }
    const cached = known.get(p)
    if (cached) return cached
    const [entry] = (await lsTree(git, commit, { paths: [p] })).filter((e) => e.path === p)
    return entry ?? null
  }
  const follow = async (entry: LsEntry, hops: number): Promise<LsEntry | null> => {
    if (entry.mode === MODE.gitlink) throw submodule(entry.path)
    if (entry.mode !== MODE.symlink) return entry
    const target = (await git.readObjects([entry.oid]))[0]?.content.toString('utf8') ?? ''
    const resolved = resolveLinkTarget(entry.path, target)
    if (resolved === null || hops >= MAX_LINK_HOPS) throw outside(entry.path, target)
    const next = await entryOf(resolved)
    return next ? follow(next, hops + 1) : null
  }
  return {
    label: `commit ${commit.slice(0, 12)}`,
    async listFiles(dir: string): Promise<string[]> {
      const d = clean(dir)
      if (d !== '' && d !== '.') {
        const entry = await entryOf(d)
        if (entry?.mode === MODE.gitlink) throw submodule(d)
        if (entry?.type !== 'tree') return []
      }
      const entries = await lsTree(git, commit, {
        recursive: true,
        ...(d === '' || d === '.' ? {} : { paths: [`${d}/`] }),
      })
      for (const e of entries) known.set(e.path, e)
      return entries.filter((e) => e.mode === MODE.file || e.mode === MODE.exec).map((e) => e.path)
    },
    async readFile(path: string): Promise<Buffer> {
      const entry = await entryOf(path)
      const target = entry ? await follow(entry, 0) : null
      if (target?.type !== 'blob') {
        throw fail(
          'PATH_MISSING',
          `${path} is not a file in ${commit.slice(0, 12)}`,
          'Check the path; only committed files can be used.',
          { path },
        )
      }
      const [obj] = await git.readObjects([target.oid])
      if (!obj)
        throw fail('PATH_MISSING', `${path} could not be read`, 'Run `git fsck` on the repository.', { path })
      return obj.content
    },
    async exists(path: string): Promise<'file' | 'dir' | 'none'> {
      const entry = await entryOf(path)
      if (!entry) return 'none'
      const target = await follow(entry, 0)
      if (!target) return 'none'
      return target.type === 'tree' ? 'dir' : 'file'
    },
  }
}
