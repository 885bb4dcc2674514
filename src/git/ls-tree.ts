import type { Git } from './git.js'

/** One entry of `git ls-tree -z` output, path relative to the repo root. */
export interface LsEntry {
  mode: string
  type: string
  oid: string
  path: string
}

/** Lists entries of `treeish` (recursively or not), limited to literal `paths` when given. */
export async function lsTree(
  git: Git,
  treeish: string,
  opts: { recursive?: boolean; paths?: string[] } = {},
): Promise<LsEntry[]> {
  const args = ['--literal-pathspecs', 'ls-tree', '-z', '--full-tree']
  if (opts.recursive) args.push('-r')
  args.push('--end-of-options', treeish)
  if (opts.paths) {
    if (opts.paths.length === 0) return []
    args.push('--', ...opts.paths)
  }
  const out = await git.run(args)
  const entries: LsEntry[] = []
  for (const rec of out.split('\0')) {
    if (rec === '') continue
    const tab = rec.indexOf('\t')
    const [mode = '', type = '', oid = ''] = rec.slice(0, tab).split(' ')
    entries.push({ mode, type, oid, path: rec.slice(tab + 1) })
  }
  return entries
}
