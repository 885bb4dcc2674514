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
 * was a good part of its start-up). A path names its entry; a path ending in `/` names the
 * directory's contents; with `recursive`, directories are walked and only non-tree entries listed.
 */
export async function lsTree(
  git: Git,
  treeish: string,
  opts: { recursive?: boolean; paths?: string[] } = {},
): Promise<LsEntry[]> {
  if (opts.paths?.length === 0) return []
  const root = `${treeish}^{tree}`
  const paths = (opts.paths ?? ['']).map((p) => ({ path: p.replace(/\/+$/, ''), contents: p.endsWith('/') }))
  // One request for every parent tree named; an entry's mode and type live in its parent.
  const parentOf = (path: string): string => {
    const slash = path.lastIndexOf('/')
    return slash < 0 ? root : `${treeish}:${path.slice(0, slash)}`
  }
  const parents = [...new Set(paths.map((p) => (p.path === '' ? root : parentOf(p.path))))]
  const read = await git.readObjects(parents)
  const trees = new Map(
    parents.map((name, i) => {
      const obj = read[i]
      return [name, obj?.type === 'tree' ? obj : null] as const
    }),
  )
  const found = new Map<string, LsEntry>()
  // Directories to list one level down: [path, tree oid].
  let level: Array<[string, string]> = []
  for (const p of paths) {
    if (p.path === '') {
      const obj = trees.get(root)
      if (obj) level.push(['', obj.oid])
      continue
    }
    const parent = trees.get(parentOf(p.path))
    if (!parent) continue
    const name = p.path.slice(p.path.lastIndexOf('/') + 1)
    const e = parseTree(parent.content, git.objectFormat).find((x) => x.name.toString('utf8') === name)
    if (!e) continue
    if (isTreeMode(e.mode) && (p.contents || opts.recursive)) level.push([p.path, e.oid])
    else if (!p.contents) found.set(p.path, toLs(e, p.path))
  }
  while (level.length > 0) {
    const contents = await git.readObjects(level.map(([, oid]) => oid))
    const next: Array<[string, string]> = []
    for (const [i, [prefix]] of level.entries()) {
      for (const e of parseTree(contents[i]?.content ?? Buffer.alloc(0), git.objectFormat)) {
        const path = (prefix === '' ? '' : `${prefix}/`) + e.name.toString('utf8')
        if (opts.recursive && isTreeMode(e.mode)) next.push([path, e.oid])
        else found.set(path, toLs(e, path))
      }
    }
    if (!opts.recursive) break
    level = next
  }
  return [...found.values()].sort((a, b) => Buffer.compare(sortKey(a), sortKey(b)))
}

function toLs(e: TreeEntry, path: string): LsEntry {
  const type = isTreeMode(e.mode) ? 'tree' : e.mode === MODE.gitlink ? 'commit' : 'blob'
  return { mode: e.mode.padStart(6, '0'), type, oid: e.oid, path }
}

/** git's tree order for full paths: a tree sorts as if its path ended in '/'. */
function sortKey(e: LsEntry): Buffer {
  return Buffer.from(e.type === 'tree' ? `${e.path}/` : e.path, 'utf8')
}
