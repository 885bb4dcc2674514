import { performance } from 'node:perf_hooks'
import { parse as parseToml, TomlError } from 'smol-toml'
import { formatSchemaIssues, PyprojectSchema } from './pyproject-schema.js'
import type { ValidationResult } from './types.js'

/** Options for {@link tomlCheck}. */
export interface TomlCheckOptions {
  /** Also check the pyproject.toml schema ([project], [build-system], pytest and coverage settings). */
  pyproject?: boolean
  /** Label used in diagnostics (default `pyproject.toml` or `<toml>`). */
  path?: string
  /** Node-level check: only schema problems under this key path count (e.g. `['project']`). */
  scope?: readonly string[]
}

const decoder = new TextDecoder('utf-8', { fatal: true })

/** Parses TOML bytes fully (duplicate keys, redefined tables, bad values) and, for pyproject, its schema. */
export function tomlCheck(bytes: Buffer, opts: TomlCheckOptions = {}): ValidationResult {
  const started = performance.now()
  const name = opts.pyproject === true ? 'pyproject' : 'toml'
  const label = opts.path ?? (opts.pyproject === true ? 'pyproject.toml' : '<toml>')
  const done = (diagnostics: string[]): ValidationResult => ({
    name,
    ok: diagnostics.length === 0,
    diagnostics,
    durationMs: performance.now() - started,
  })

  let text: string
  try {
    // TOML must be valid UTF-8; decoding leniently would hide replacement characters.
    text = decoder.decode(bytes)
  } catch {
    return done([`${label}:1:1 invalid UTF-8: TOML files must be UTF-8 encoded`])
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)

  let doc: unknown
  try {
    doc = parseToml(text)
  } catch (err) {
    if (err instanceof TomlError) {
      const reason = err.message.split('\n')[0]?.replace(/^Invalid TOML document: /, '') ?? err.message
      return done([`${label}:${err.line}:${err.column} ${reason}`])
    }
    throw err
  }
  if (opts.pyproject !== true) return done([])

  const parsed = PyprojectSchema.safeParse(doc)
  if (parsed.success) return done([])
  return done(formatSchemaIssues(parsed.error.issues, opts.scope).map((d) => `${label}: ${d}`))
}
