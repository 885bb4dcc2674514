import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { RUN_REF_PREFIX, readRunRecord } from '../agents/record-store.js'
import { isRunId } from '../agents/run-id.js'
import type { RunRecord } from '../agents/schema.js'
import { fail } from '../errors/index.js'
import type { Git } from '../git/index.js'
import { removeRun } from '../sandbox/index.js'
import { openContext } from './context.js'
import { formatDuration, parseAge } from './format.js'
import type { CommandResult, GlobalOptions } from './output.js'

/** One run gc removed, with what went. */
export const RemovedRunSchema = z.object({
  runId: z.string(),
  status: z.string().describe('record status, or "orphan" when only branches/worktrees were left'),
  branches: z.number().int(),
  worktrees: z.number().int(),
  refs: z.number().int().describe('run record and attempt refs'),
})

/** `--json` shape of `git momentum gc`. */
export const GcJsonSchema = z.object({
  removed: z.array(RemovedRunSchema),
  kept: z.array(z.object({ runId: z.string(), reason: z.string() })),
  staging: z.number().int().describe('stale object staging files removed (left by a killed process)'),
})
/** Parsed `gc --json` output. */
export type GcJson = z.infer<typeof GcJsonSchema>

/** Runs younger than this are kept by a bare `gc`. */
export const DEFAULT_GC_AGE = '7d'

/** When a run started, from its id (`20261125-1203-…`, UTC); the id is all an orphan has left. */
export function runIdTime(runId: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})-/.exec(runId)
  if (!m) return null
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]))
}

/** Every run id with anything left in the repo: a record, a branch, or a worktree directory. */
export async function runIdsInRepo(git: Git): Promise<string[]> {
  const ids = new Set<string>()
  for (const r of await git.listRefs(RUN_REF_PREFIX)) ids.add(r.ref.slice(RUN_REF_PREFIX.length))
  for (const r of await git.listRefs('refs/heads/momentum/')) ids.add(r.ref.split('/')[3] ?? '')
  try {
    for (const d of await readdir(join(git.commonDir, 'momentum'))) ids.add(d)
  } catch {
    // No run ever made a worktree here.
  }
  return [...ids].filter(isRunId).sort()
}

/** Decides whether gc removes a run (null) or keeps it (the reason). Pure, so the policy is unit-tested. */
export function gcVerdict(
  runId: string,
  record: RunRecord | null,
  opts: { all: boolean; olderThanMs: number; now: number },
): string | null {
  if (opts.all) return null
  const started = record ? Date.parse(record.startedAt) : runIdTime(runId)
  const age = started === null || Number.isNaN(started) ? Number.POSITIVE_INFINITY : opts.now - started
  if (age < opts.olderThanMs) return `younger than ${formatDuration(opts.olderThanMs)}`
  if (record && (record.status === 'running' || record.status === 'interrupted')) {
    return `${record.status}: resumable (finish it with \`git momentum resume ${runId}\`, or use --all)`
  }
  return null
}

/** `git momentum gc [--older-than D] [--all]`: removes old runs' worktrees, branches and refs; idempotent. */
export async function gcCommand(argv: Record<string, unknown>, opts: GlobalOptions): Promise<CommandResult> {
  const ctx = await openContext(opts.cwd)
  const ageText = typeof argv['older-than'] === 'string' ? argv['older-than'] : DEFAULT_GC_AGE
  const olderThanMs = parseAge(ageText)
  if (olderThanMs === null) {
    throw fail(
      'USAGE',
      `--older-than "${ageText}" is not a duration`,
      'Use a number and a unit: 30m, 12h, 7d or 2w.',
    )
  }
  const all = argv.all === true
  const json: GcJson = { removed: [], kept: [], staging: await ctx.git.sweepStaging() }
  for (const runId of await runIdsInRepo(ctx.git)) {
    const record = await readRunRecord(ctx.git, runId).catch(() => null)
    const reason = gcVerdict(runId, record, { all, olderThanMs, now: Date.now() })
    if (reason !== null) {
      json.kept.push({ runId, reason })
      continue
    }
    const removed = await removeRun(ctx.git, runId)
    json.removed.push({ runId, status: record?.status ?? 'orphan', ...removed })
  }
  const human = [
    ...json.removed.map(
      (r) =>
        `removed ${r.runId} (${r.status}): ${r.branches} branch(es), ${r.worktrees} worktree(s), ${r.refs} ref(s)`,
    ),
    ...json.kept.map((k) => `kept    ${k.runId}: ${k.reason}`),
  ]
  if (json.staging > 0) human.push(`removed ${json.staging} stale object staging file(s)`)
  if (json.removed.length === 0 && json.kept.length === 0)
    human.push('Nothing to remove: no runs in this repository.')
  else if (json.removed.length === 0) human.push('Nothing removed.')
  return { exitCode: 0, json, human }
}
