/** What an agent may change: a byte range of one file, or a whole file / directory (path ending in '/', '' = repo). */
export type Ownership = { path: string; start: number; end: number } | { path: string; whole: true }

/** Everything needed to create one agent's sandbox. */
export interface SandboxSpec {
  runId: string
  agentId: string
  /** Commit every sandbox of the run starts from; ranges are in this commit's coordinates. */
  base: string
  owns: Ownership[]
}

/** Git trailers: repeatable keys take an array. */
export type Trailers = Record<string, string | string[]>

/** One agent's sandbox: a branch plus a worktree that holds only the owned paths. */
export interface Sandbox {
  readonly runId: string
  readonly agentId: string
  readonly slug: string
  /** Short branch name, `momentum/<runId>/<slug>`. */
  readonly branch: string
  /** Absolute worktree directory under `<git-common-dir>/momentum/<runId>/<slug>`. */
  readonly worktree: string
  /** Full base commit id. */
  readonly base: string
  readonly owns: readonly Ownership[]
  /** Current branch head. */
  head(): Promise<string>
  /** Bytes of an owned path in the worktree. */
  readFile(path: string): Promise<Buffer>
  /** Writes an owned path in the worktree (nothing is committed yet). */
  writeFile(path: string, bytes: Buffer): Promise<void>
  /** Deletes a wholly owned path in the worktree. */
  removeFile(path: string): Promise<void>
  /** Commits the owned paths; the byte-range guard runs first (RANGE_VIOLATION). Returns the new head. */
  commit(message: string, trailers: Trailers): Promise<string>
  /** Moves the branch back to base, keeping the abandoned head under an attempts ref; returns that ref or null. */
  reset(): Promise<string | null>
  /** Removes the worktree (and the branch unless `keepBranch`). Idempotent. */
  discard(opts?: { keepBranch?: boolean }): Promise<void>
}

/** A child branch offered to a structural merge. */
export interface MergeChild {
  agentId: string
  head: string
  owns: Ownership[]
}

/** Why a merge could not be made; always names the agents involved. */
export interface MergeConflict {
  kind: 'overlap' | 'duplicate-definition' | 'parse-error' | 'range-violation'
  agents: string[]
  detail: string
  path?: string
}

/** Outcome of structuralMerge: a conflict is a result, not an exception. */
export type MergeResult = { ok: true; commit: string } | { ok: false; conflict: MergeConflict }
