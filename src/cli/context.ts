import { loadConfig } from '../config/load.js'
import type { Config } from '../config/schema.js'
import { Git } from '../git/index.js'
import { createProvider, type ModelProvider, type RetryEvent } from '../model/index.js'

/** An opened repository plus its config: what most subcommands start from. */
export interface RepoContext {
  git: Git
  root: string
  config: Config
}

/** Opens the repository containing `cwd` (NOT_A_REPO / BARE_REPO / GIT_TOO_OLD come from the git module). */
export async function openGit(cwd: string): Promise<Git> {
  return Git.open(cwd)
}

/** Opens the repo and loads `.momentum/config.toml`; with `needCommits`, NO_COMMITS when HEAD is unborn. */
export async function openContext(cwd: string, opts: { needCommits?: boolean } = {}): Promise<RepoContext> {
  const git = await openGit(cwd)
  if (opts.needCommits) await git.headCommit()
  const config = await loadConfig(git.root)
  return { git, root: git.root, config }
}

/** The model provider for a command, with retries reported to `onRetry` (shown as warnings). */
export function providerFor(
  ctx: RepoContext,
  env: NodeJS.ProcessEnv,
  onRetry?: (e: RetryEvent) => void,
): ModelProvider {
  return createProvider(ctx.config.model, { repoRoot: ctx.root, env, ...(onRetry ? { onRetry } : {}) })
}
