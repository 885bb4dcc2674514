import { existsSync, realpathSync } from 'node:fs'
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import { z } from 'zod'
import { loadConfig } from '../config/load.js'
import { fail } from '../errors/index.js'
import { buildNodeTree, type MNode, NODE_KINDS, workingTreeSource } from '../syntax/index.js'
import type { CommandResult, GlobalOptions } from './output.js'

/** One node of `git momentum nodes --json` (recursive). */
export const NodeJsonSchema: z.ZodType<MNode> = z.lazy(() =>
  z.object({
    id: z
      .string()
      .describe(
        "'path::Outer.inner'; file: 'path'; directory: 'dir/'; repo: '.'; duplicates get '@<startByte>'",
      ),
    kind: z.enum(NODE_KINDS),
    decorated: z.boolean().describe('Decorated definition; the range includes the decorators'),
    name: z.string(),
    path: z.string().describe("Repo-relative POSIX path of the file or directory ('' for the repo)"),
    lang: z.enum(['python', 'toml', 'markdown']).nullable(),
    startByte: z.number().int().describe('UTF-8 byte offset in the file (0 for directories)'),
    endByte: z.number().int().describe('Exclusive end byte offset'),
    startLine: z.number().int().describe('1-based (0 for directories)'),
    endLine: z.number().int().describe('1-based inclusive'),
    hash: z.string().describe('sha256 of the node bytes, 16 hex chars'),
    parentId: z.string().nullable(),
    children: z.array(NodeJsonSchema),
  }),
)

/** The whole `git momentum nodes --json` payload. */
export const NodesJsonSchema = z.object({
  root: z.string().describe('Absolute path of the repository root (or the cwd when not in a repo)'),
  tree: NodeJsonSchema,
})

/** Type of the `nodes --json` payload. */
export type NodesJson = z.infer<typeof NodesJsonSchema>

/** `git momentum nodes <paths..>`: the agent tree with kinds, ids and byte/line ranges. */
export async function nodesCommand(
  argv: Record<string, unknown>,
  opts: GlobalOptions,
): Promise<CommandResult> {
  const paths = z.array(z.string()).default([]).parse(argv.paths)
  const cwd = resolve(opts.cwd)
  const root = findRepoRoot(cwd)
  const config = await loadConfig(root)
  const scope = paths.map((p) => toRepoPath(root, cwd, p))
  const tree = await buildNodeTree(workingTreeSource(root), scope, {
    maxFileBytes: config.run.max_file_bytes,
  })
  const json: NodesJson = { root, tree }
  return { exitCode: 0, json, human: renderTree(tree) }
}

/** The nearest ancestor of `start` holding a `.git` entry (dir or file), else `start` itself. */
export function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir
    if (dirname(dir) === dir) return start
  }
}

function toRepoPath(root: string, cwd: string, p: string): string {
  const abs = resolve(cwd, p)
  let rel = relative(root, abs)
  if (existsSync(abs)) rel = relative(realpathSync(root), realpathSync(abs))
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw fail(
      'PATH_OUTSIDE_REPO',
      `${p}: path is outside the repository ${root}`,
      'Name files or directories inside the repo, or run from inside the other repo.',
      { path: p, root },
    )
  }
  return rel.split(sep).join('/')
}

/** Human rendering: one line per node, indented as a tree, with kind, id, bytes and lines. */
export function renderTree(root: MNode): string[] {
  const out: string[] = []
  const visit = (n: MNode, prefix: string, last: boolean, top: boolean): void => {
    const branch = top ? '' : last ? '└─ ' : '├─ '
    const range =
      n.kind === 'repo' || n.kind === 'directory'
        ? ''
        : `  bytes ${n.startByte}..${n.endByte}  lines ${n.startLine}-${n.endLine}`
    const dec = n.decorated ? ' (decorated)' : ''
    out.push(`${prefix}${branch}${n.kind}${dec}  ${n.id}${range}`)
    const next = top ? '' : prefix + (last ? '   ' : '│  ')
    n.children.forEach((c, i) => {
      visit(c, next, i === n.children.length - 1, false)
    })
  }
  visit(root, '', true, true)
  return out
}
