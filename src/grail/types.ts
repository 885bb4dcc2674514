import type { PyType } from './pytype.js'

/** One check finding, reported as `file:line:col CODE message` (1-based line and column). */
export interface Diagnostic {
  file: string
  line: number
  col: number
  code: string
  message: string
  severity: 'error' | 'warning'
  /** What to do about it. */
  hint: string
}

/** A declared `name: T = Input("name", default=...)`. */
export interface PymInput {
  /** The script variable. */
  name: string
  /** The key the host supplies it under (Input's first argument, else the variable name). */
  key: string
  /** Annotation as written, or null when missing (E008). */
  typeText: string | null
  type: PyType | null
  /** No default: the caller must supply it. */
  required: boolean
  line: number
}

/** How a parameter of an external binds. */
export type ParamKind = 'positional' | 'keyword' | 'varargs' | 'kwargs'

/** One parameter of an `@external` declaration. */
export interface PymParam {
  name: string
  kind: ParamKind
  typeText: string | null
  type: PyType | null
  hasDefault: boolean
  /** The literal default value (only literal defaults are allowed, E016). */
  defaultValue: unknown
}

/** A declared `@external` function. */
export interface PymExternal {
  name: string
  async: boolean
  params: PymParam[]
  returnsText: string | null
  returns: PyType | null
  /** Line of the `def` (1-based); wrappers in the stripped code sit on this line. */
  line: number
}

/** A loaded, checked, stripped script, ready for runPym. */
export interface PymScript {
  /** The path as given (used in messages and tracebacks). */
  file: string
  /** sha256 hex of the source bytes. */
  hash: string
  inputs: readonly PymInput[]
  externals: readonly PymExternal[]
  /** Warnings (a script with errors is never returned by loadPym). */
  diagnostics: readonly Diagnostic[]
  /** The code Monty runs: declarations stripped, every line at its original number. */
  code: string
  /** Number of lines in the source. */
  lineCount: number
}
