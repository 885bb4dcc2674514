import type { MomentumError } from '../errors/index.js'

/** What every subcommand returns: data for `--json`, text for people, and an exit code. */
export interface CommandResult {
  /** Process exit code (0 on success, see docs/exit-codes.md). */
  exitCode: number
  /** Machine-readable payload printed by `--json`; must match the command's documented schema. */
  json: unknown
  /** Lines printed for a person when `--json` is not given. */
  human: string[]
}

/** Options common to every subcommand. */
export interface GlobalOptions {
  json: boolean
  cwd: string
  color: boolean
  tty: boolean
  debug: boolean
}

/** Formats an error as the single line (plus hint) a user sees. */
export function formatError(err: MomentumError): string {
  return `git-momentum: error[${err.code}]: ${err.message}\n  hint: ${err.hint}`
}
