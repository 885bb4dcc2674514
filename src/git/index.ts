/** The one git module: every git process the project starts goes through here. */
export type { BatchObject } from './batch.js'
export {
  type ExecOptions,
  type GitFailure,
  gitLimiter,
  gitProcessCount,
  initRepo,
  setGitConcurrency,
} from './exec.js'
export { Git, type RefUpdate, type RepoState, type TreeChange } from './git.js'
export { type LsEntry, lsTree } from './ls-tree.js'
export { checkRefName, refNameProblem } from './refname.js'
export { backoffDelay, DEFAULT_BACKOFF, isLockContention, withLockRetry } from './retry.js'
export { commitSource, resolveLinkTarget } from './source.js'
export { editTree, type PathChange, writeTreeWithChanges } from './tree-edit.js'
export { MODE, type ObjectFormat, type TreeEntry } from './tree-object.js'
export { assertGitVersion, MIN_GIT_VERSION, parseGitVersion } from './version.js'
export { addBareWorktree, listWorktrees, pruneWorktrees, removeWorktree } from './worktree.js'
