import { listRunRecords, RUN_REF_PREFIX, readRunRecord } from '../agents/record-store.js'
import type { AstAgent, RunRecord } from '../agents/schema.js'
import { fail } from '../errors/index.js'
import type { Git } from '../git/index.js'

/** Every run id that has a record ref, sorted (newest last: ids start with a UTC timestamp). */
export async function listRunIds(git: Git): Promise<string[]> {
  const refs = await git.listRefs(RUN_REF_PREFIX)
  return refs.map((r) => r.ref.slice(RUN_REF_PREFIX.length)).sort()
}

/**
 * Resolves what the user typed to one run id: the exact id, `last`, or a unique prefix/suffix
 * (`1203-a1b2`, `a1b2`). UNKNOWN_RUN otherwise, with the closest ids as the hint.
 */
export async function resolveRunId(git: Git, typed: string): Promise<string> {
  const ids = await listRunIds(git)
  if (ids.includes(typed)) return typed
  if (typed === 'last' && ids.length > 0) return ids[ids.length - 1]!
  const matches = typed.length >= 4 ? ids.filter((id) => id.startsWith(typed) || id.endsWith(typed)) : []
  if (matches.length === 1) return matches[0]!
  const recent = ids.slice(-3).reverse()
  throw fail(
    'UNKNOWN_RUN',
    matches.length > 1
      ? `run id "${typed}" is ambiguous (${matches.length} runs match)`
      : `no run "${typed}"`,
    recent.length > 0
      ? `Known runs include ${recent.join(', ')}; \`git momentum log\` lists them all (fetch refs/momentum/runs/* on a fresh clone).`
      : 'No runs exist yet; start one with `git momentum run "<intent>"`.',
    { run: typed, matches },
  )
}

/** Loads a run record from git by id (resolving prefixes as above). */
export async function loadRun(git: Git, typed: string): Promise<RunRecord> {
  return readRunRecord(git, await resolveRunId(git, typed))
}

/** Every run record, newest first. */
export async function loadAllRuns(git: Git): Promise<RunRecord[]> {
  const runs = await listRunRecords(git)
  return [...runs].sort((a, b) => b.startedAt.localeCompare(a.startedAt))
}

/** Finds an agent by exact id, then by unique suffix or node name; UNKNOWN_AGENT otherwise. */
export function findAgent(record: RunRecord, typed: string): AstAgent {
  const exact = record.agents.find((a) => a.id === typed)
  if (exact) return exact
  const matches = record.agents.filter((a) => a.id.endsWith(typed) || a.node.name === typed)
  if (matches.length === 1) return matches[0]!
  const acted = record.agents.filter((a) => a.votes?.acted).map((a) => a.id)
  throw fail(
    'UNKNOWN_AGENT',
    matches.length > 1
      ? `agent "${typed}" is ambiguous in run ${record.runId}: ${matches.map((a) => a.id).join(', ')}`
      : `run ${record.runId} has no agent "${typed}"`,
    `Use a full agent id from \`git momentum log ${record.runId}\`${acted.length > 0 ? `, e.g. ${acted.slice(0, 3).join(', ')}` : ''}.`,
    { run: record.runId, agent: typed },
  )
}
