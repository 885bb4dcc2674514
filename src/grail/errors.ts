import { type ErrorCode, MomentumError } from '../errors/index.js'

/** Grail's own error class names, kept so a Grail user recognises them. */
export type GrailErrorName =
  | 'ParseError'
  | 'CheckError'
  | 'InputError'
  | 'ExternalError'
  | 'ExecutionError'
  | 'LimitError'
  | 'OutputError'

const CODE_OF: Record<GrailErrorName, ErrorCode> = {
  ParseError: 'SCRIPT_PARSE',
  CheckError: 'SCRIPT_CHECK_FAILED',
  InputError: 'SCRIPT_INPUT',
  ExternalError: 'SCRIPT_EXTERNAL',
  ExecutionError: 'SCRIPT_EXECUTION',
  LimitError: 'SCRIPT_LIMIT',
  OutputError: 'SCRIPT_OUTPUT',
}

/** Where in a .pym file an error happened; line/col are 1-based, null when Monty gave no position. */
export interface GrailLocation {
  script: string
  line: number | null
  col?: number | null
}

/** Base of the Grail error family: a MomentumError whose data names the Grail class, script and line. */
export class GrailError extends MomentumError {
  /** The Grail class name (ParseError, LimitError, ...). */
  readonly grailName: GrailErrorName

  constructor(
    grailName: GrailErrorName,
    message: string,
    hint: string,
    data: GrailLocation & Record<string, unknown>,
    cause?: unknown,
  ) {
    super(CODE_OF[grailName], message, hint, { grail: grailName, ...data }, cause)
    this.grailName = grailName
  }
}

/** Formats `script:line` (or just the script when the line is unknown) for messages. */
export function where(loc: GrailLocation): string {
  if (loc.line === null) return loc.script
  return loc.col ? `${loc.script}:${loc.line}:${loc.col}` : `${loc.script}:${loc.line}`
}

/** Builds one of the Grail errors by class name. */
export function grailError(
  name: GrailErrorName,
  message: string,
  hint: string,
  data: GrailLocation & Record<string, unknown>,
  cause?: unknown,
): GrailError {
  return new GrailError(name, message, hint, data, cause)
}

/** Whether err is a GrailError of the given class (any Grail error when name is omitted). */
export function isGrailError(err: unknown, name?: GrailErrorName): err is GrailError {
  return err instanceof GrailError && (name === undefined || err.grailName === name)
}
