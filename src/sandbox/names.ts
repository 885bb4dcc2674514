import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { fail } from '../errors/index.js'
import { refNameProblem } from '../git/index.js'

const SLUG_MAX = 48

/** Readable, ref-safe, collision-free name for an agent: `src/a.py::C.m` -> `src-a.py--C.m-1a2b3c4d`. */
export function slugFor(agentId: string): string {
  let s = agentId.replace(/::/g, '--').replace(/\//g, '-')
  s = s.replace(/[^A-Za-z0-9._-]/g, '_').replace(/\.{2,}/g, '.')
  s = s
    .replace(/^[.-]+/, '')
    .slice(0, SLUG_MAX)
    .replace(/[.]+$/, '')
  if (s === '' || s === '-') s = 'root'
  // The hash of the full id keeps two agents apart even when their readable parts sanitise alike.
  const hash = createHash('sha256').update(agentId).digest('hex').slice(0, 8)
  return `${s}-${hash}`
}

/** Throws USAGE unless the run id is one flat, ref-safe path component. */
export function assertRunId(runId: string): void {
  const ok =
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(runId) && !runId.includes('..') && !runId.endsWith('.lock')
  if (!ok)
    throw fail('USAGE', `invalid run id "${runId}"`, 'Use letters, digits, ".", "_" and "-" (at most 64).', {
      runId,
    })
}

function checked(ref: string): string {
  const problem = refNameProblem(ref)
  if (problem)
    throw fail('BAD_REF_NAME', `ref name ${ref} ${problem}`, 'This is a bug in git-momentum.', { ref })
  return ref
}

/** Short branch name of an agent's sandbox. */
export function branchName(runId: string, slug: string): string {
  checked(`refs/heads/momentum/${runId}/${slug}`)
  return `momentum/${runId}/${slug}`
}

/** Prefix of every sandbox branch of a run. */
export function runBranchPrefix(runId: string): string {
  return `refs/heads/momentum/${runId}`
}

/** Ref keeping the n-th abandoned head of an agent after a reset. */
export function attemptRef(runId: string, slug: string, n: number): string {
  return checked(`refs/momentum/attempts/${runId}/${slug}/${n}`)
}

/** Prefix of a run's attempt refs. */
export function attemptPrefix(runId: string): string {
  return `refs/momentum/attempts/${runId}`
}

/** The run record ref (written by the agents layer, removed by removeRun). */
export function runRef(runId: string): string {
  return checked(`refs/momentum/runs/${runId}`)
}

/** Directory holding every sandbox worktree of a run. */
export function runDir(commonDir: string, runId: string): string {
  return join(commonDir, 'momentum', runId)
}
