import { fail } from '../errors/index.js'
import type { Git } from './git.js'
import { isTreeMode, MODE, objectId, parseTree, serializeTree, type TreeEntry } from './tree-object.js'

/** New content for one path: a blob with its mode, or null to delete the path. */
export type PathChange = { mode: string; oid: string } | null

function parentDir(path: string): string {
  const i = path.lastIndexOf('/')
  return i < 0 ? '' : path.slice(0, i)
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1)
}

/** Map key for a name: latin1 is a bijection on bytes, so non-UTF-8 names never collide. */
function key(name: string | Buffer): string {
  return (typeof name === 'string' ? Buffer.from(name, 'utf8') : name).toString('latin1')
}

/**
 * Writes a tree equal to `baseTree` with `changes` applied, touching only the trees along the
 * changed paths: one read of those levels and one write of the new ones, so the cost is
 * O(depth x fanout) and never reads an index or the whole tree.
 */
export async function writeTreeWithChanges(
  git: Git,
  baseTree: string,
  changes: Map<string, PathChange>,
): Promise<string> {
  return (await editTree(git, baseTree, changes)).tree
}

/** Like writeTreeWithChanges, also returning the original root tree id (`base` may be a commit). */
export async function editTree(
  git: Git,
  baseTree: string,
  changes: Map<string, PathChange>,
): Promise<{ tree: string; original: string }> {
  if (changes.size === 0) {
    const original = await git.treeOf(baseTree)
    return { tree: original, original }
  }
  const dirs = new Set<string>([''])
  for (const path of changes.keys()) {
    for (let d = parentDir(path); d !== ''; d = parentDir(d)) dirs.add(d)
  }
  const order = [...dirs].sort((a, b) => depth(b) - depth(a) || (a < b ? -1 : 1))
  const objects = await git.readObjects(
    order.map((d) => (d === '' ? `${baseTree}^{tree}` : `${baseTree}:${d}`)),
  )
  const original = objects[0]?.oid ?? ''
  const levels = new Map<string, Map<string, TreeEntry>>()
  order.forEach((d, i) => {
    const obj = objects[i]
    if (obj && obj.type !== 'tree') {
      throw fail(
        'PATH_MISSING',
        `${d} is a file in the base, so nothing can be written below it`,
        'Own a path that does not go through a file.',
        { path: d },
      )
    }
    const entries = obj ? parseTree(obj.content, git.objectFormat) : []
    levels.set(d, new Map(entries.map((e) => [key(e.name), e])))
  })
  for (const [path, change] of changes) {
    const level = levels.get(parentDir(path))
    const name = baseName(path)
    const existing = level?.get(key(name))
    if (existing && isTreeMode(existing.mode)) {
      throw fail(
        'PATH_MISSING',
        `${path} is a directory in the base, not a file`,
        'Own the files inside it instead.',
        { path },
      )
    }
    if (change === null) level?.delete(key(name))
    else level?.set(key(name), { mode: change.mode, name: Buffer.from(name, 'utf8'), oid: change.oid })
  }
  const written: Array<{ content: Buffer; oid: string }> = []
  let rootOid = ''
  for (const d of order) {
    const entries = [...(levels.get(d)?.values() ?? [])]
    const content = serializeTree(entries)
    const oid = objectId('tree', content, git.objectFormat)
    if (d === '') {
      rootOid = oid
      if (entries.length === 0) written.push({ content, oid })
    }
    if (entries.length > 0) written.push({ content, oid })
    if (d !== '') {
      const parent = levels.get(parentDir(d))
      if (entries.length === 0) parent?.delete(key(baseName(d)))
      else parent?.set(key(baseName(d)), { mode: MODE.tree, name: Buffer.from(baseName(d), 'utf8'), oid })
    }
  }
  if (written.length > 0) {
    const out = await git.writeObjects(
      'tree',
      written.map((t) => t.content),
    )
    written.forEach((t, i) => {
      if (out[i] !== t.oid) {
        throw fail(
          'INTERNAL',
          `tree hash mismatch: git wrote ${out[i]}, expected ${t.oid}`,
          'This is a bug in git-momentum.',
        )
      }
    })
  }
  return { tree: rootOid, original }
}

function depth(dir: string): number {
  return dir === '' ? 0 : dir.split('/').length
}
