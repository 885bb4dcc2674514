import { fail } from '../errors/index.js'
import type { Git } from '../git/git.js'
import { commitSource } from '../git/source.js'
import { createSandbox } from '../sandbox/create.js'
import { TRAILER } from '../sandbox/trailers.js'
import { discoverFileNodes } from '../syntax/discover.js'
import { languageForPath } from '../syntax/profiles.js'
import { buildNodeTree, normalizeScopePath } from '../syntax/tree.js'
import type { MNode } from '../syntax/types.js'
import type { LoadedTemplate } from '../templates/load.js'
import { loadTemplate } from '../templates/load.js'
import { type Agent, buildAgentTree } from './agent-tree.js'
import type { FileCache } from './context.js'
import { coerceVars, renderSkeleton } from './generate.js'
import type { GenerateRequest } from './types.js'

/** What building a run's tree needs. */
export interface TreeRequest {
  git: Git
  repoRoot: string
  base: string
  scope: string[]
  templates: readonly LoadedTemplate[]
  files: FileCache
  maxFileBytes: number
  generate?: GenerateRequest
  /**
   * Generation only: makes the skeleton commit (null in a plan, which creates nothing). Given the
   * skeleton bytes, returns the commit the children will work on.
   */
  commitSkeleton: ((path: string, bytes: Buffer) => Promise<string>) | null
  /** A skeleton commit made by an earlier try of this run (resume): reused as is. */
  priorSkeleton?: string | null
}

/**
 * The run's agent tree from the BASE commit, never the working tree: only files inside the scope are
 * read and parsed. For `generate`, the file agent's skeleton is rendered (and committed, in a run)
 * and its children are discovered in the skeleton, so required blocks become concurrent agents.
 */
export async function buildRunTree(req: TreeRequest): Promise<Agent> {
  if (req.generate) return buildGenerateTree(req, req.generate)
  const source = commitSource(req.git, req.base)
  const nodes = await buildNodeTree(source, req.scope, { maxFileBytes: req.maxFileBytes })
  return buildAgentTree(nodes, {
    templates: req.templates,
    readFile: (p) => req.files.read(req.base, p),
    base: req.base,
  })
}

async function buildGenerateTree(req: TreeRequest, gen: GenerateRequest): Promise<Agent> {
  const path = normalizeScopePath(gen.path)
  const lang = languageForPath(path)
  if (!lang) {
    throw fail(
      'UNSUPPORTED_LANGUAGE',
      `${gen.path}: no language profile for this file type`,
      'Generate .py, .toml or .md files.',
      { path },
    )
  }
  if (!req.priorSkeleton && (await commitSource(req.git, req.base).exists(path)) !== 'none') {
    throw fail(
      'ALREADY_EXISTS',
      `${path} already exists in HEAD`,
      `Edit it with \`git momentum run "<intent>" ${path}\`, or pick a new path.`,
      { path },
    )
  }
  const template = await loadTemplate(gen.template, { repoRoot: req.repoRoot })
  const vars = coerceVars(template, gen.vars)
  const skeleton = Buffer.from(renderSkeleton(template, req.templates, path, vars), 'utf8')
  const skeletonCommit =
    req.priorSkeleton ?? (req.commitSkeleton ? await req.commitSkeleton(path, skeleton) : req.base)
  const fileNode = discoverFileNodes(path, skeleton, lang)
  const root: MNode = {
    id: '.',
    kind: 'repo',
    decorated: false,
    name: '.',
    path: '',
    lang: null,
    startByte: 0,
    endByte: 0,
    startLine: 0,
    endLine: 0,
    hash: '',
    parentId: null,
    children: [fileNode],
  }
  fileNode.parentId = '.'
  // A file template the user named governs the file; a class (or other) template governs its node.
  const fileLevel = (template.applies_to.kind ?? ['file']).includes('file')
  const templates = fileLevel
    ? [{ ...template, applies_to: { path: [path] }, origin: 'repo' as const }, ...req.templates]
    : req.templates
  const agent = await buildAgentTree(root, {
    templates,
    readFile: async (p) => (p === path ? skeleton : req.files.read(req.base, p)),
    base: skeletonCommit,
    vars,
    forceInsertions: true,
  })
  agent.base = req.base
  agent.rec.base = req.base
  const file = agent.children[0]!
  file.skeleton = req.commitSkeleton || req.priorSkeleton ? skeletonCommit : null
  file.base = req.base
  file.rec.base = req.base
  file.rec.range = { path, start: 0, end: 0 }
  markForced(agent)
  return agent
}

/** Generation: every agent on the way down to a block that must be created acts without a vote. */
function markForced(agent: Agent): boolean {
  let any = agent.forced
  for (const c of agent.children) any = markForced(c) || any
  agent.forced = any
  return any
}

/** Commits a generated file's skeleton in its own sandbox (whole-file ownership), for generation. */
export function skeletonCommitter(
  git: Git,
  runId: string,
  base: string,
  sandboxName: (path: string) => string,
): (path: string, bytes: Buffer) => Promise<string> {
  return async (path, bytes) => {
    const agentId = sandboxName(path)
    const sandbox = await createSandbox(git, { runId, agentId, base, owns: [{ path, whole: true }] })
    await sandbox.writeFile(path, bytes)
    return sandbox.commit(`momentum: skeleton of ${path}`, {
      [TRAILER.run]: runId,
      [TRAILER.agent]: path,
      [TRAILER.kind]: 'file',
      [TRAILER.name]: path,
      [TRAILER.range]: `${path}:whole`,
      [TRAILER.attempt]: '1',
    })
  }
}
