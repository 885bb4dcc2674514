/**
 * Every error code git-momentum can raise, with its kind and process exit code.
 * One table so that exit codes stay distinct and documented (see docs/exit-codes.md).
 */
export const ERROR_CODES = {
  // Generic
  INTERNAL: { kind: 'internal', exit: 1 },
  USAGE: { kind: 'user', exit: 2 },
  // Paths and files (syntax layer)
  PATH_OUTSIDE_REPO: { kind: 'user', exit: 10 },
  PATH_MISSING: { kind: 'user', exit: 11 },
  UNSUPPORTED_LANGUAGE: { kind: 'user', exit: 12 },
  BINARY_FILE: { kind: 'user', exit: 13 },
  FILE_TOO_LARGE: { kind: 'user', exit: 14 },
  PATHS_MATCH_NOTHING: { kind: 'user', exit: 15 },
  PATCH_OVERLAP: { kind: 'internal', exit: 16 },
  PATCH_OUT_OF_BOUNDS: { kind: 'internal', exit: 17 },
  QUERY_INVALID: { kind: 'config', exit: 18 },
  // Git and repository state
  NOT_A_REPO: { kind: 'user', exit: 20 },
  BARE_REPO: { kind: 'user', exit: 21 },
  NO_COMMITS: { kind: 'user', exit: 22 },
  DETACHED_HEAD: { kind: 'user', exit: 23 },
  BRANCH_EXISTS: { kind: 'user', exit: 24 },
  SUBMODULE_PATH: { kind: 'user', exit: 25 },
  SYMLINK_OUTSIDE: { kind: 'user', exit: 26 },
  GIT_TOO_OLD: { kind: 'user', exit: 27 },
  GIT_FAILED: { kind: 'internal', exit: 28 },
  BAD_REF_NAME: { kind: 'internal', exit: 29 },
  RANGE_VIOLATION: { kind: 'internal', exit: 19 },
  // Configuration, templates and scripts
  CONFIG_INVALID: { kind: 'config', exit: 30 },
  TEMPLATE_INVALID: { kind: 'config', exit: 31 },
  TEMPLATE_NOT_FOUND: { kind: 'user', exit: 32 },
  SCRIPT_CHECK_FAILED: { kind: 'config', exit: 33 },
  SCRIPT_NOT_FOUND: { kind: 'config', exit: 34 },
  SCRIPT_PARSE: { kind: 'config', exit: 35 },
  SCRIPT_INPUT: { kind: 'config', exit: 36 },
  SCRIPT_EXTERNAL: { kind: 'internal', exit: 37 },
  SCRIPT_EXECUTION: { kind: 'internal', exit: 38 },
  SCRIPT_LIMIT: { kind: 'internal', exit: 39 },
  SCRIPT_OUTPUT: { kind: 'internal', exit: 40 },
  TOML_EDIT_FAILED: { kind: 'config', exit: 64 },
  // Model
  MODEL_UNREACHABLE: { kind: 'user', exit: 41 },
  MODEL_AUTH: { kind: 'user', exit: 42 },
  MODEL_REPLY_INVALID: { kind: 'model', exit: 43 },
  MODEL_FAILED: { kind: 'model', exit: 44 },
  CASSETTE_MISS: { kind: 'user', exit: 45 },
  CASSETTE_INVALID: { kind: 'config', exit: 46 },
  // Validation
  VALIDATOR_UNAVAILABLE: { kind: 'config', exit: 47 },
  // Runs and the CLI
  UNKNOWN_RUN: { kind: 'user', exit: 50 },
  UNKNOWN_AGENT: { kind: 'user', exit: 51 },
  EMPTY_INTENT: { kind: 'user', exit: 52 },
  LAND_CONFLICT: { kind: 'user', exit: 53 },
  DIRTY_TREE: { kind: 'user', exit: 54 },
  PR_NO_TOKEN: { kind: 'user', exit: 55 },
  PUSH_REJECTED: { kind: 'user', exit: 56 },
  PR_API_FAILED: { kind: 'user', exit: 57 },
  RUN_STATE_INVALID: { kind: 'internal', exit: 58 },
  RUN_NOT_RESUMABLE: { kind: 'user', exit: 59 },
  ALREADY_EXISTS: { kind: 'user', exit: 60 },
  NO_RESULT: { kind: 'user', exit: 61 },
  INTERRUPTED: { kind: 'user', exit: 130 },
} as const

/** A known error code. */
export type ErrorCode = keyof typeof ERROR_CODES

/** Who is expected to fix the problem: the user, their config, the model's output, or us. */
export type ErrorKind = 'user' | 'config' | 'model' | 'internal'

/** Exit codes for run outcomes that are not errors. */
export const RUN_EXIT = {
  ok: 0,
  partial: 3,
  failed: 4,
} as const
