import { isMomentumError } from '../errors/index.js'
import { type Git, MODE, type PathChange, writeTreeWithChanges } from '../git/index.js'
import { checkSyntax } from '../syntax/parse.js'
import { languageForPath } from '../syntax/profiles.js'
import { checkPatches, sortPatches, stitch } from '../syntax/stitch.js'
import type { Patch } from '../syntax/types.js'
import { findDuplicate } from './duplicates.js'
import { childPatchesMany, type FileChange } from './guard.js'
import { covers, describeOwnership } from './ownership.js'
import { SandboxImpl } from './sandbox.js'
import { splice } from './splice.js'
import { buildMessage, TRAILER } from './trailers.js'
import type { MergeChild, MergeConflict, MergeResult, Sandbox, Trailers } from './types.js'

/** Input of structuralMerge: the parent's sandbox and the children's heads (created from the same base). */
export interface MergeRequest {
  parent: Sandbox
  children: MergeChild[]
  message: string
  trailers: Trailers
}

type Conflict = { ok: false; conflict: MergeConflict }
const conflict = (c: MergeConflict): Conflict => ({ ok: false, conflict: c })

function mergePath(
  path: string,
  touched: Array<{ agentId: string; change: FileChange }>,
  parentId: string,
): Conflict | { bytes: Buffer | null } {
  const agents = touched.map((t) => t.agentId)
  const before = touched[0]?.change.before ?? Buffer.alloc(0)
  if (touched.some((t) => t.change.after === null)) {
    if (touched.length > 1)
      return conflict({
        kind: 'overlap',
        agents,
        path,
        detail: `${path} is deleted by one agent and changed by another`,
      })
    return { bytes: null }
  }
  const patches: Patch[] = touched.flatMap((t, i) =>
    t.change.patches.map((p) => ({ ...p, nodeId: t.agentId, order: i })),
  )
  try {
    checkPatches(before.length, patches)
  } catch (e) {
    if (!isMomentumError(e) || e.code !== 'PATCH_OVERLAP') throw e
    const pair = [String(e.data.a), String(e.data.b)]
    return conflict({ kind: 'overlap', agents: pair, path, detail: `${path}: ${e.message}` })
  }
  const { bytes, spans } = splice(before, sortPatches(patches))
  const lang = languageForPath(path)
  if (!lang) return { bytes }
  const stitched = stitch(lang, before, patches)
  // Unblamed problems count only when the base parsed cleanly (parse the base only if needed).
  const unblamed = stitched.problems.some((p) => p.nodeId === null)
  const baseClean = !unblamed || checkSyntax(lang, before).length === 0
  const blamed = stitched.problems.filter((p) => p.nodeId !== null || baseClean)
  if (blamed.length > 0) {
    const who = [...new Set(blamed.map((p) => p.nodeId ?? '').filter((id) => id !== ''))]
    const first = blamed[0]
    return conflict({
      kind: 'parse-error',
      agents: who.length > 0 ? who : agents,
      path,
      detail: `${path}:${first?.line}:${first?.column} does not parse after the merge (${first?.kind} ${first?.nodeType})`,
    })
  }
  const dup = findDuplicate(path, lang, before, stitched.bytes, spans)
  if (dup) {
    const who =
      dup.agents.length >= 2
        ? dup.agents
        : [...dup.agents, parentId].filter((a, i, all) => all.indexOf(a) === i)
    return conflict({
      kind: 'duplicate-definition',
      agents: who,
      path,
      detail: `${path}: "${dup.name}" is defined more than once in one scope (lines ${dup.lines.join(', ')})`,
    })
  }
  return { bytes: stitched.bytes }
}

/**
 * Merges children into the parent's sandbox structurally: byte patches against the base, checked
 * for overlap, parse errors and duplicate definitions, then one octopus commit (parent head + every
 * child head) built with plumbing, and the parent branch moved by compare-and-swap.
 */
export async function structuralMerge(git: Git, req: MergeRequest): Promise<MergeResult> {
  const parent = req.parent
  const parentHead = await parent.head()
  const sources: MergeChild[] = []
  if (parentHead !== parent.base)
    sources.push({ agentId: parent.agentId, head: parentHead, owns: [...parent.owns] })
  for (const child of req.children) {
    const stray = child.owns.find((o) => !covers(parent.owns, o))
    if (stray)
      return conflict({
        kind: 'range-violation',
        agents: [child.agentId, parent.agentId],
        path: stray.path,
        detail: `${child.agentId} owns ${describeOwnership(stray)}, which is outside ${parent.agentId}`,
      })
    if (child.head !== parent.base) sources.push(child)
  }
  const byPath = new Map<string, Array<{ agentId: string; change: FileChange }>>()
  // All children's diffs and blobs come from two git processes, not two per child.
  const outcomes = await childPatchesMany(git, parent.base, sources)
  for (const [i, { changes, error }] of outcomes.entries()) {
    const s = sources[i]!
    if (changes === null) {
      if (!isMomentumError(error) || error.code !== 'RANGE_VIOLATION') throw error
      return conflict({
        kind: 'range-violation',
        agents: [s.agentId],
        detail: error.message,
        path: String(error.data.path ?? ''),
      })
    }
    for (const change of changes)
      byPath.set(change.path, [...(byPath.get(change.path) ?? []), { agentId: s.agentId, change }])
  }
  const files = new Map<string, Buffer | null>()
  const modes = new Map<string, string>()
  for (const [path, touched] of byPath) {
    const result = mergePath(path, touched, parent.agentId)
    if ('ok' in result) return result
    files.set(path, result.bytes)
    modes.set(path, touched.find((t) => t.change.mode !== MODE.file)?.change.mode ?? MODE.file)
  }
  const paths = [...files.entries()].filter(([, b]) => b !== null)
  const oids = await Promise.all(paths.map(([, b]) => git.writeBlob(b ?? Buffer.alloc(0))))
  const changes = new Map<string, PathChange>()
  for (const [i, [p]] of paths.entries())
    changes.set(p, { mode: modes.get(p) ?? MODE.file, oid: oids[i] ?? '' })
  for (const [p, b] of files) if (b === null) changes.set(p, null)
  const tree = await writeTreeWithChanges(git, parentHead, changes)
  const childHeads = req.children.map((c) => c.head).filter((h) => h !== parent.base && h !== parentHead)
  const trailers: Trailers = {
    [TRAILER.run]: parent.runId,
    [TRAILER.agent]: parent.agentId,
    [TRAILER.merged]: req.children.filter((c) => c.head !== parent.base).map((c) => c.agentId),
    ...req.trailers,
  }
  const commit = await git.commitTree(tree, [parentHead, ...childHeads], buildMessage(req.message, trailers))
  if (parent instanceof SandboxImpl) {
    await parent.moveTo(commit, parentHead)
    await parent.applyMerged(files)
  } else {
    await git.updateRefs([{ op: 'update', ref: `refs/heads/${parent.branch}`, oid: commit, old: parentHead }])
  }
  return { ok: true, commit }
}
