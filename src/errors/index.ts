import { ERROR_CODES, type ErrorCode, type ErrorKind } from './codes.js'

export { ERROR_CODES, type ErrorCode, type ErrorKind, RUN_EXIT } from './codes.js'

/** Structured, serialisable error used everywhere in the library; the CLI maps it to an exit code. */
export class MomentumError extends Error {
  override readonly name = 'MomentumError'
  readonly code: ErrorCode
  readonly hint: string
  readonly data: Record<string, unknown>

  constructor(
    code: ErrorCode,
    message: string,
    hint: string,
    data: Record<string, unknown> = {},
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause })
    this.code = code
    this.hint = hint
    this.data = data
  }

  /** Whether the user, the config, the model or the program is at fault. */
  get kind(): ErrorKind {
    return ERROR_CODES[this.code].kind
  }

  /** The documented process exit code for this error. */
  get exitCode(): number {
    return ERROR_CODES[this.code].exit
  }

  /** JSON form for `--json` output and saved run state. */
  toJSON(): {
    code: ErrorCode
    kind: ErrorKind
    message: string
    hint: string
    data: Record<string, unknown>
  } {
    return { code: this.code, kind: this.kind, message: this.message, hint: this.hint, data: this.data }
  }
}

/** Shorthand constructor so call sites read as one line. */
export function fail(
  code: ErrorCode,
  message: string,
  hint: string,
  data: Record<string, unknown> = {},
  cause?: unknown,
): MomentumError {
  return new MomentumError(code, message, hint, data, cause)
}

/** Type guard for MomentumError that also works across module copies. */
export function isMomentumError(err: unknown): err is MomentumError {
  return err instanceof MomentumError
}

/** Wraps an unknown thrown value as an internal MomentumError, keeping typed ones as they are. */
export function toMomentumError(err: unknown): MomentumError {
  if (err instanceof MomentumError) return err
  const message = err instanceof Error ? err.message : String(err)
  return new MomentumError(
    'INTERNAL',
    message,
    'This is a bug in git-momentum; please report it with --debug output.',
    {},
    err,
  )
}
