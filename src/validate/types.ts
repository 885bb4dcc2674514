import { z } from 'zod'

/** Outcome of one validator; stored in run records and commit trailers, so it has a schema. */
export const ValidationResultSchema = z.object({
  name: z.string(),
  ok: z.boolean(),
  diagnostics: z.array(z.string()),
  durationMs: z.number(),
  skipped: z.string().optional(),
})

/** Outcome of one validator: `ok` false means the agent's work is rejected and `diagnostics` say why. */
export type ValidationResult = z.infer<typeof ValidationResultSchema>

/** How validation processes are isolated: bubblewrap when present (`auto`), required (`bwrap`), or never. */
export type SandboxMode = 'auto' | 'bwrap' | 'none'

/** The agent levels that run their own validators. */
export type ValidationLevel = 'node' | 'file' | 'directory' | 'repo'

/** What a validator looks at: a sandbox worktree and, for node and file levels, one file's bytes. */
export interface ValidationTarget {
  /** Absolute path of the sandbox worktree (the only writable directory for commands). */
  dir: string
  /** Repo-relative POSIX path of the file (node/file level) or directory ('' for the repo). */
  path: string
  /** The file's bytes after stitching (node and file levels). */
  bytes?: Buffer
  /** Node level: only diagnostics inside these 1-based lines (inclusive) count; syntax errors always do. */
  lines?: { start: number; end: number }
  /** Node level in TOML: only schema problems under this key path count (e.g. `['project']`). */
  tomlScope?: readonly string[]
  /** Cancels a running validator process. */
  signal?: AbortSignal
}

/** A named validator chosen by the registry for one level and language. */
export interface Validator {
  readonly name: string
  run(target: ValidationTarget): Promise<ValidationResult>
}
