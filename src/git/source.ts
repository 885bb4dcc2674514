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

/** Names per `cat-file --batch` process: bounds memory while keeping a scope's reads to a few processes. */
const READ_BATCH = 1000

/**
 * File bytes of one commit. Submodules and symlinks are skipped when listing a directory; asked for
 * by name, a submodule is SUBMODULE_PATH and a symlink is followed only while it stays in the repo.
 * Listing a directory costs one `ls-tree -r`; readFiles reads many blobs through one `cat-file --batch`.
 */
export function commitSource(git: Git, commit: string): FileSource {
  // Entries seen by listFiles (directories derived from file paths, oid ''): reading a listed file
  // then costs no ls-tree, and once the whole tree is listed a path it lacks needs no git at all.
  const known = new Map<string, LsEntry>()
  const absent = new Set<string>()
  let complete = false
  const remember = (entries: LsEntry[]): void => {
    for (const e of entries) {
      known.set(e.path, e)
      for (let cut = e.path.lastIndexOf('/'); cut > 0; cut = e.path.lastIndexOf('/', cut - 1)) {
        const dir = e.path.slice(0, cut)
        if (known.has(dir)) break
        known.set(dir, { mode: MODE.tree, type: 'tree', oid: '', path: dir })
      }
    }
  }
  const entryOf = async (path: string): Promise<LsEntry | null> => {
    const p = clean(path)
    if (p === '' || p === '.') return { mode: MODE.tree, type: 'tree', oid: '', path: '' }
    const cached = known.get(p)
    if (cached || complete || absent.has(p)) return cached ?? null
    await lookUp([p])
    return known.get(p) ?? null
  }
  // One non-recursive ls-tree answers any number of literal paths (git walks only the trees on them).
  const lookUp = async (paths: string[]): Promise<void> => {
    const want = new Set(paths)
    for (const e of await lsTree(git, commit, { paths })) if (want.has(e.path)) known.set(e.path, e)
    for (const p of paths) if (!known.has(p)) absent.add(p)
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
  const blobOf = async (path: string): Promise<LsEntry> => {
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
    return target
  }
  return {
    label: `commit ${commit.slice(0, 12)}`,
    async listFiles(dir: string): Promise<string[]> {
      const d = clean(dir)
      const whole = d === '' || d === '.'
      if (!whole) {
        const entry = await entryOf(d)
        if (entry?.mode === MODE.gitlink) throw submodule(d)
        if (entry?.type !== 'tree') return []
      }
      const entries = await lsTree(git, commit, { recursive: true, ...(whole ? {} : { paths: [`${d}/`] }) })
      remember(entries)
      if (whole) complete = true
      return entries.filter((e) => e.mode === MODE.file || e.mode === MODE.exec).map((e) => e.path)
    },
    async readFile(path: string): Promise<Buffer> {
      const [obj] = await git.readObjects([(await blobOf(path)).oid])
      if (!obj)
        throw fail('PATH_MISSING', `${path} could not be read`, 'Run `git fsck` on the repository.', { path })
      return obj.content
    },
    async readFiles(paths: string[]): Promise<Map<string, Buffer>> {
      // Paths that do not resolve to a blob are left out: readFile reports them with its own error.
      const unknown = complete
        ? []
        : paths.map(clean).filter((p) => p !== '' && !known.has(p) && !absent.has(p))
      if (unknown.length > 0) await lookUp([...new Set(unknown)])
      const oids = new Map<string, string>()
      for (const p of paths) {
        const target = await blobOf(p).catch(() => null)
        if (target) oids.set(p, target.oid)
      }
      const names = [...oids]
      const out = new Map<string, Buffer>()
      for (let i = 0; i < names.length; i += READ_BATCH) {
        const batch = names.slice(i, i + READ_BATCH)
        const objs = await git.readObjects(batch.map(([, oid]) => oid))
        batch.forEach(([p], j) => {
          const obj = objs[j]
          if (obj?.type === 'blob') out.set(p, obj.content)
        })
      }
      return out
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
