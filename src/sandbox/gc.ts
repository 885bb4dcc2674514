import { readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { type Git, pruneWorktrees, type RefUpdate, removeWorktree } from '../git/index.js'
import { assertRunId, attemptPrefix, runBranchPrefix, runDir, runRef } from './names.js'

/** What removeRun took away. */
export interface RemovedRun {
  branches: number
  worktrees: number
  refs: number
}

/**
 * Removes one run: its worktrees (and their admin dirs), its branches, attempt refs and run record
 * ref, and nothing else. Safe to repeat; a second call removes nothing.
 */
export async function removeRun(git: Git, runId: string): Promise<RemovedRun> {
  assertRunId(runId)
  const dir = runDir(git.commonDir, runId)
  let worktrees = 0
  const slugs = await readdir(dir).catch(() => [])
  for (const slug of slugs) if (await removeWorktree(git, join(dir, slug))) worktrees++
  await rm(dir, { recursive: true, force: true })
  const branches = await git.listRefs(runBranchPrefix(runId))
  const others = [...(await git.listRefs(attemptPrefix(runId))), ...(await git.listRefs(runRef(runId)))]
  const updates: RefUpdate[] = [...branches, ...others].map((r) => ({ op: 'delete', ref: r.ref, old: r.oid }))
  await git.updateRefs(updates)
  await pruneWorktrees(git)
  return { branches: branches.length, worktrees, refs: others.length }
}

/** A run known from refs: its record ref (if written) and how many sandbox branches it still has. */
export interface RunSummary {
  runId: string
  record: string | null
  branches: number
}

/** Every run that has a record ref or sandbox branches, sorted by id. */
export async function listRuns(git: Git): Promise<RunSummary[]> {
  const runs = new Map<string, RunSummary>()
  const get = (id: string): RunSummary => {
    const r = runs.get(id) ?? { runId: id, record: null, branches: 0 }
    runs.set(id, r)
    return r
  }
  for (const r of await git.listRefs('refs/momentum/runs')) {
    const id = r.ref.slice('refs/momentum/runs/'.length)
    if (!id.includes('/')) get(id).record = r.oid
  }
  for (const r of await git.listRefs('refs/heads/momentum')) {
    const id = r.ref.split('/')[3]
    if (id) get(id).branches++
  }
  return [...runs.values()].sort((a, b) => (a.runId < b.runId ? -1 : 1))
}
