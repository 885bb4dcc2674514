import { z } from 'zod'
import type { RunRecord } from '../agents/schema.js'
import { fail } from '../errors/index.js'
import type { Git } from '../git/index.js'
import { openContext } from './context.js'
import { shortHash } from './format.js'
import type { CommandResult, GlobalOptions } from './output.js'
import { countCommits, dirtyPaths, isAncestor, trialMerge } from './repo-ops.js'
import { loadRun } from './runs.js'

/** `--json` shape of `git momentum land`. */
export const LandJsonSchema = z.object({
  runId: z.string(),
  branch: z.string().describe('the branch that received the result, e.g. refs/heads/main'),
  mode: z.enum(['fast-forward', 'merge', 'up-to-date']),
  before: z.string().describe('branch tip before landing'),
  after: z.string().describe('branch tip after landing'),
  files: z.array(z.string()).describe('paths the result changes relative to the run base'),
})
/** Parsed `land --json` output. */
export type LandJson = z.infer<typeof LandJsonSchema>

/** How to land: fast-forward only (default), or always a merge commit. */
export type LandMode = 'ff-only' | 'merge'

/**
 * Brings a run's validated result onto the current branch. The only operation that touches the
 * user's branch, index and working tree, and it refuses rather than leave a half-merged checkout.
 */
export async function landRun(git: Git, record: RunRecord, mode: LandMode): Promise<LandJson> {
  const result = record.resultCommit
  if (!result) {
    throw fail(
      'NO_RESULT',
      `run ${record.runId} has no result to land (status ${record.status})`,
      record.status === 'interrupted' || record.status === 'running'
        ? `Finish it first: \`git momentum resume ${record.runId}\`.`
        : `See what failed with \`git momentum log ${record.runId}\`.`,
      { run: record.runId },
    )
  }
  const state = await git.state()
  if (!state.branch) {
    throw fail(
      'DETACHED_HEAD',
      'HEAD is detached; land needs a branch to update',
      'Check out a branch first, e.g. `git switch main`.',
    )
  }
  const head = await git.headCommit()
  const files = (await git.diffTrees(record.base, result)).map((c) => c.path)
  const base = { runId: record.runId, branch: state.branch, before: head, files }
  if (await isAncestor(git, result, head)) return { ...base, mode: 'up-to-date', after: head }
  const dirty = await dirtyPaths(git, files)
  if (dirty.length > 0) {
    throw fail(
      'DIRTY_TREE',
      `uncommitted changes in ${dirty.length} file(s) the result changes: ${dirty.slice(0, 5).join(', ')}`,
      'Commit or stash those changes (`git stash -- <paths>`), then run land again.',
      { files: dirty },
    )
  }
  const canFastForward = await isAncestor(git, head, result)
  const name = state.branch.replace(/^refs\/heads\//, '')
  if (mode === 'ff-only' && !canFastForward) {
    const moved = await countCommits(git, record.base, head)
    const trial = await trialMerge(git, head, result)
    throw fail(
      'LAND_CONFLICT',
      trial.clean
        ? `cannot fast-forward: ${name} moved ${moved} commit(s) since the run started`
        : `${name} moved since the run and conflicts with it in ${trial.conflicts.join(', ')}`,
      trial.clean
        ? `Use \`git momentum land ${record.runId} --merge\` to create a merge commit.`
        : `Rerun the intent on the new ${name}: \`git momentum run "${record.intent.slice(0, 40)}" ${record.scope.join(' ')}\`.`,
      { moved, conflicts: trial.clean ? [] : trial.conflicts },
    )
  }
  if (mode === 'merge') {
    const trial = await trialMerge(git, head, result)
    if (!trial.clean) {
      throw fail(
        'LAND_CONFLICT',
        `${name} conflicts with run ${record.runId} in ${trial.conflicts.join(', ')}`,
        `Rerun the intent on the current ${name}, or merge by hand: \`git merge ${record.resultBranch ?? result}\`.`,
        { conflicts: trial.conflicts },
      )
    }
    const message = `Land git-momentum run ${record.runId}\n\n${record.intent}\n\nMomentum-Run: ${record.runId}\n`
    await git.run(['merge', '--no-ff', '--no-edit', '-m', message, '--end-of-options', result])
    return { ...base, mode: 'merge', after: await git.headCommit() }
  }
  // Fast-forward through git itself so the branch, index and working tree move together.
  await git.run(['merge', '--ff-only', '--end-of-options', result])
  return { ...base, mode: 'fast-forward', after: await git.headCommit() }
}

/** `git momentum land <run> [--ff-only | --merge]`. */
export async function landCommand(
  argv: Record<string, unknown>,
  opts: GlobalOptions,
): Promise<CommandResult> {
  const ctx = await openContext(opts.cwd, { needCommits: true })
  const record = await loadRun(ctx.git, String(argv.run))
  const json = await landRun(ctx.git, record, argv.merge === true ? 'merge' : 'ff-only')
  const name = json.branch.replace(/^refs\/heads\//, '')
  const human =
    json.mode === 'up-to-date'
      ? [`${name} already contains run ${json.runId}; nothing to do.`]
      : [
          `landed run ${json.runId} on ${name} (${json.mode}) ${shortHash(json.before)}..${shortHash(json.after)}`,
          ...json.files.map((f) => `  ${f}`),
        ]
  if (record.status === 'partial' && json.mode !== 'up-to-date') {
    human.push(
      `note: the run was partial; failed agents' work is not included (see \`git momentum log ${json.runId}\`).`,
    )
  }
  return { exitCode: 0, json, human }
}
