import { fail } from '../errors/index.js'
import type { Git } from '../git/index.js'

/**
 * The handful of porcelain-level git operations the CLI needs (land, pr, show), each going
 * through the git module's runner with argument arrays and `--end-of-options`.
 */

/** Whether `a` is an ancestor of (or equal to) `b`. */
export async function isAncestor(git: Git, a: string, b: string): Promise<boolean> {
  const out = await git.tryRun(['merge-base', '--is-ancestor', '--end-of-options', a, b])
  if (out.ok) return true
  if (out.exitCode === 1) return false
  throw fail(
    'GIT_FAILED',
    `git merge-base failed: ${out.stderr.trim()}`,
    'Check the repository with `git fsck`.',
  )
}

/** Number of commits reachable from `to` but not from `from`. */
export async function countCommits(git: Git, from: string, to: string): Promise<number> {
  return Number((await git.run(['rev-list', '--count', '--end-of-options', `${from}..${to}`])).trim())
}

/** Paths among `paths` with uncommitted changes (staged, unstaged or untracked) in the user's checkout. */
export async function dirtyPaths(git: Git, paths: string[]): Promise<string[]> {
  if (paths.length === 0) return []
  const out = await git.run([
    'status',
    '--porcelain=v1',
    '-z',
    '--untracked-files=all',
    '--',
    ...paths.map(literal),
  ])
  const dirty: string[] = []
  const fields = out.split('\0')
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i] ?? ''
    if (f.length < 4) continue
    dirty.push(f.slice(3))
    // Renames and copies carry the old path as an extra field.
    if (f[0] === 'R' || f[0] === 'C') i++
  }
  return dirty
}

/** Pathspec that matches exactly this path (no globbing of model- or user-supplied names). */
export function literal(path: string): string {
  return `:(literal)${path}`
}

/** A trial merge with no side effects: the merged tree, or the conflicted paths. */
export async function trialMerge(
  git: Git,
  ours: string,
  theirs: string,
): Promise<{ clean: true; tree: string } | { clean: false; conflicts: string[] }> {
  const out = await git.tryRun(['merge-tree', '--write-tree', '--name-only', '--no-messages', ours, theirs])
  if (out.ok) return { clean: true, tree: out.stdout.split('\n')[0]?.trim() ?? '' }
  if (out.exitCode === 1) {
    // The runner keeps no stdout on failure, so name the paths both sides changed since their merge base.
    const base = (await git.run(['merge-base', '--end-of-options', ours, theirs])).trim()
    const mine = new Set((await git.diffTrees(base, ours)).map((c) => c.path))
    const conflicts = (await git.diffTrees(base, theirs)).map((c) => c.path).filter((p) => mine.has(p))
    return { clean: false, conflicts }
  }
  throw fail(
    'GIT_FAILED',
    `git merge-tree failed: ${out.stderr.trim()}`,
    'Check the repository with `git fsck`.',
  )
}

/** Unified diff between two commits, optionally limited to paths. */
export async function diffCommits(git: Git, a: string, b: string, paths: string[] = []): Promise<string> {
  const args = ['diff', '--no-ext-diff', '--no-color', '--no-renames', a, b]
  if (paths.length > 0) args.push('--', ...paths.map(literal))
  return git.run(args)
}

/** `--stat` summary between two commits. */
export async function diffStat(git: Git, a: string, b: string): Promise<string> {
  return git.run(['diff', '--no-ext-diff', '--no-color', '--stat', a, b])
}

/** URL of a remote (the push URL when `push`); null when there is no such remote. */
export async function remoteUrl(git: Git, remote: string, push = false): Promise<string | null> {
  const out = await git.tryRun(['remote', 'get-url', ...(push ? ['--push'] : []), '--', remote])
  return out.ok ? out.stdout.trim() : null
}

/** Pushes `commit` to `refs/heads/<branch>` on `remote`; PUSH_REJECTED with git's reason on failure. */
export async function pushBranch(git: Git, remote: string, commit: string, branch: string): Promise<void> {
  const out = await git.tryRun([
    'push',
    '--porcelain',
    '--end-of-options',
    remote,
    `${commit}:refs/heads/${branch}`,
  ])
  if (out.ok) return
  const reason =
    out.stderr
      .split('\n')
      .map((l) => l.trim())
      .find((l) => /^(error|fatal|remote|!)/.test(l)) ?? `git push exited ${out.exitCode}`
  throw fail(
    'PUSH_REJECTED',
    `${remote} rejected the push of ${branch}: ${reason.replace(/^(error|fatal): /, '')}`,
    'Check your access to the remote and that the branch does not already exist there with other commits; `--dry-run` prints the PR body without pushing.',
    { remote, branch, stderr: out.stderr },
  )
}

/** A `git request-pull`-style summary built from local objects (works before anything is pushed). */
export async function requestPullSummary(
  git: Git,
  base: string,
  head: string,
  url: string,
  branch: string,
): Promise<string> {
  const describe = async (c: string): Promise<string> =>
    (await git.run(['log', '-1', '--no-color', '--format=%s (%as)', '--end-of-options', c])).trim()
  const shortlog = (
    await git.run(['shortlog', '--no-color', '--end-of-options', `${base}..${head}`])
  ).trimEnd()
  const stat = (
    await git.run(['diff', '--no-ext-diff', '--no-color', '--stat', '--summary', base, head])
  ).trimEnd()
  return [
    `The following changes since commit ${base}:`,
    '',
    `  ${await describe(base)}`,
    '',
    'are available in the Git repository at:',
    '',
    `  ${url} ${branch}`,
    '',
    `for you to fetch changes up to ${head}:`,
    '',
    `  ${await describe(head)}`,
    '',
    '-'.repeat(64),
    shortlog,
    '',
    stat,
    '',
  ].join('\n')
}
