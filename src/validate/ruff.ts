import { createRequire } from 'node:module'
import { performance } from 'node:perf_hooks'
import { setFlagsFromString } from 'node:v8'
import { z } from 'zod'
import { fail, MomentumError } from '../errors/index.js'
import type { ValidationResult } from './types.js'

/** Options for {@link ruffCheck}. */
export interface RuffOptions {
  /** Repo-relative path, used as the diagnostic prefix. */
  path: string
  /** Ruff rule selectors (`E`, `F`, `B006`, ...). */
  select: readonly string[]
  /** Maximum line length for E501 (Ruff's default 88 when omitted). */
  lineLength?: number
  /** Only diagnostics starting on these 1-based lines count; syntax errors count anywhere. */
  lines?: { start: number; end: number }
}

type RuffModule = typeof import('@astral-sh/ruff-wasm-nodejs')
type RuffWorkspace = InstanceType<RuffModule['Workspace']>

// The wasm binary is ~10 MB: load it only when Ruff is first needed, never at import time.
let ruffModule: RuffModule | undefined
const workspaces = new Map<string, RuffWorkspace>()
const decoder = new TextDecoder('utf-8', { fatal: true })

const Location = z.object({ row: z.number(), column: z.number() })
const RuffDiagnostics = z.array(
  z.object({ code: z.string().nullable(), message: z.string(), start_location: Location }),
)

function loadRuff(): RuffModule {
  if (ruffModule === undefined) {
    // V8 re-compiles hot wasm functions with TurboFan on background threads. Ruff's functions are
    // huge: a 64-agent run spent ~8 s of CPU compiling them, starving git on a 2-core machine, and
    // the checks we run (a node, a file) are as fast or faster on Liftoff's baseline code.
    // Process-wide, but it only changes how wasm compiled after this point is tiered.
    setFlagsFromString('--liftoff-only')
    const require = createRequire(import.meta.url)
    ruffModule = require('@astral-sh/ruff-wasm-nodejs') as RuffModule
  }
  return ruffModule
}

/** One Workspace per settings: building one parses settings and rule tables, which is costly. */
function workspaceFor(opts: Pick<RuffOptions, 'select' | 'lineLength'>): RuffWorkspace {
  const select = [...opts.select].sort()
  const key = JSON.stringify({ select, lineLength: opts.lineLength ?? null })
  const cached = workspaces.get(key)
  if (cached !== undefined) return cached
  const ruff = loadRuff()
  const settings: Record<string, unknown> = { lint: { select } }
  if (opts.lineLength !== undefined) settings['line-length'] = opts.lineLength
  let ws: RuffWorkspace
  try {
    // Utf32 makes columns count code points, which is what a person (or a model) counts.
    ws = new ruff.Workspace(settings, ruff.PositionEncoding.Utf32)
  } catch (err) {
    throw fail(
      'CONFIG_INVALID',
      `invalid Ruff settings: ${String(err)}`,
      'Fix validate.ruff_select in .momentum/config.toml.',
      {
        select,
      },
    )
  }
  workspaces.set(key, ws)
  return ws
}

/** Decodes Python source; a UTF-8 BOM is dropped so Ruff's columns match the visible text. */
function decodeSource(bytes: Buffer): string | null {
  try {
    const text = decoder.decode(bytes)
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  } catch {
    return null
  }
}

/** Lints Python bytes in-process with Ruff (wasm); syntax errors and selected rule hits fail. */
export function ruffCheck(bytes: Buffer, opts: RuffOptions): ValidationResult {
  const started = performance.now()
  const done = (diagnostics: string[]): ValidationResult => ({
    name: 'ruff',
    ok: diagnostics.length === 0,
    diagnostics,
    durationMs: performance.now() - started,
  })
  const text = decodeSource(bytes)
  if (text === null) return done([`${opts.path}:1:1 invalid-syntax source is not valid UTF-8`])
  const ws = workspaceFor(opts)
  let raw: unknown
  try {
    raw = ws.check(text)
  } catch (err) {
    throw fail(
      'VALIDATOR_UNAVAILABLE',
      `ruff failed on ${opts.path}: ${String(err)}`,
      'Report this as a bug.',
    )
  }
  const diagnostics = RuffDiagnostics.parse(raw)
    .sort(
      (a, b) =>
        a.start_location.row - b.start_location.row || a.start_location.column - b.start_location.column,
    )
    .filter((d) => {
      if (d.code === 'invalid-syntax' || opts.lines === undefined) return true
      return d.start_location.row >= opts.lines.start && d.start_location.row <= opts.lines.end
    })
    .map((d) => {
      const where = `${opts.path}:${d.start_location.row}:${d.start_location.column}`
      return d.code === null ? `${where} ${d.message}` : `${where} ${d.code} ${d.message}`
    })
  return done(diagnostics)
}

/** Formats Python bytes with Ruff's formatter (default style); throws on a syntax error. */
export function ruffFormat(bytes: Buffer, opts: Pick<RuffOptions, 'path' | 'lineLength'>): Buffer {
  const text = decodeSource(bytes)
  if (text === null)
    throw fail('BINARY_FILE', `${opts.path} is not valid UTF-8`, 'Only UTF-8 Python can be formatted.')
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf
  try {
    const out = workspaceFor({ select: [], lineLength: opts.lineLength }).format(text)
    return Buffer.from(bom ? `\ufeff${out}` : out, 'utf8')
  } catch (err) {
    if (err instanceof MomentumError) throw err
    throw fail(
      'VALIDATOR_UNAVAILABLE',
      `ruff could not format ${opts.path}: ${String(err)}`,
      'Fix the syntax error first.',
    )
  }
}
