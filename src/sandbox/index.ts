/** Agent sandboxes as git branches + worktrees: lifecycle, byte-range guard, structural merge, gc. */
export { createSandbox } from './create.js'
export { type Duplicate, findDuplicate } from './duplicates.js'
export { listRuns, type RemovedRun, type RunSummary, removeRun } from './gc.js'
export { checkRange, childPatches, type FileChange, trimmedPatch } from './guard.js'
export { type MergeRequest, structuralMerge } from './merge.js'
export { assertRunId, attemptRef, branchName, runDir, runRef, slugFor } from './names.js'
export { assertOwnership, assertSafePath, covers, describeOwnership, ownerOf } from './ownership.js'
export { buildMessage, formatTrailers, parseTrailers, sanitizeTrailerValue, TRAILER } from './trailers.js'
export type {
  MergeChild,
  MergeConflict,
  MergeResult,
  Ownership,
  Sandbox,
  SandboxSpec,
  Trailers,
} from './types.js'
