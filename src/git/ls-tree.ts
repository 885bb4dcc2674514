import type { Git } from './git.js'
import { isTreeMode, MODE, parseTree, type TreeEntry } from './tree-object.js'

/** One entry of `git ls-tree -z` output, path relative to the repo root. */
export interface LsEntry {
  mode: string
  type: string
  oid: string
  path: string
}

/**
 * What `git ls-tree --full-tree [-r] <treeish> -- <literal paths>` prints, read from the tree
 * objects through the cat-file batch process (a run lists trees for every sandbox; a process each
 * was a good part of its start-up). git's rules: an entry is shown when a path names it or a
 * directory above it; a tree is walked into when a path goes deeper (`d/`, `d/x`), and a tree
 * walked into is not shown itself; with `recursive` every matching tree is walked and no tree shown.
 */
export async function lsTree(
  git: Git,
  treeish: string,
  opts: { recursive?: boolean; paths?: string[] } = {},
): Promise<LsEntry[]> {
  if (opts.paths?.length === 0) return []
  const specs = opts.paths ?? ['']
  const matches = (path: string): boolean =>
    specs.some((s) => s === '' || path === s || path.startsWith(s.endsWith('/') ? s : `${s}/`))
  const deeper = (path: string): boolean => specs.some((s) => s.startsWith(`${path}/`))
  const [root] = await git.readObjects([`${treeish}^{tree}`])
  if (root?.type !== 'tree') return []
  const found: LsEntry[] = []
  let level: Array<[string, Buffer]> = [['', root.content]]
  while (level.length > 0) {
    const walk: Array<[string, string]> = []
    for (const [prefix, content] of level) {
      for (const e of parseTree(content, git.objectFormat)) {
        const path = prefix + e.name.toString('utf8')
        if (isTreeMode(e.mode) && (deeper(path) || (opts.recursive && matches(path))))
          walk.push([path, e.oid])
        else if (matches(path)) found.push(toLs(e, path))
      }
    }
    const trees = await git.readObjects(walk.map(([, oid]) => oid))
    level = walk.map(([path], i) => [`${path}/`, trees[i]?.content ?? Buffer.alloc(0)])
  }
  return found.sort((a, b) => Buffer.compare(sortKey(a), sortKey(b)))
}

function toLs(e: TreeEntry, path: string): LsEntry {
  const type = isTreeMode(e.mode) ? 'tree' : e.mode === MODE.gitlink ? 'commit' : 'blob'
  return { mode: e.mode.padStart(6, '0'), type, oid: e.oid, path }
}

/** git's tree order for full paths: a tree sorts as if its path ended in '/'. */
function sortKey(e: LsEntry): Buffer {
  return Buffer.from(e.type === 'tree' ? `${e.path}/` : e.path, 'utf8')
}
