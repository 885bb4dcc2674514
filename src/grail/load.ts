import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fail } from '../errors/index.js'
import { parseCst } from '../syntax/cst.js'
import { type CheckOptions, checkParsed, countLines, formatDiagnostic } from './check.js'
import { compileScript } from './compile.js'
import { grailError } from './errors.js'
import { collectDecls } from './parse.js'
import { stripDeclarations } from './strip.js'
import type { PymExternal, PymInput, PymScript } from './types.js'

/** Options for loading a script (the check options decide E014/E015). */
export type LoadOptions = CheckOptions

interface CacheEntry {
  key: string
  script: PymScript
}

const MAX_CACHED = 512
const cache = new Map<string, CacheEntry>()

/**
 * Reads, parses, checks, strips and compiles a .pym file. The result is cached by absolute path and
 * content hash, so an unchanged file is not parsed or checked again. Throws ParseError (syntax, E013)
 * or CheckError (any other error diagnostic); warnings stay on `script.diagnostics`.
 */
export function loadPym(file: string, opts: LoadOptions = {}): PymScript {
  let source: Buffer
  try {
    source = readFileSync(file)
  } catch (err) {
    throw fail(
      'SCRIPT_NOT_FOUND',
      `cannot read script ${file}`,
      'hint: check the path, or the script name in the template',
      { file },
      err,
    )
  }
  return loadPymSource(file, source, opts, resolve(file))
}

/** loadPym for bytes that are not in the working tree (e.g. read from a commit); cached under cacheKey. */
export function loadPymSource(
  file: string,
  source: Buffer,
  opts: LoadOptions = {},
  cacheKey = file,
): PymScript {
  const hash = createHash('sha256').update(source).digest('hex')
  const key = `${hash}\0${knownKey(opts)}`
  const hit = cache.get(cacheKey)
  if (hit && hit.key === key) return hit.script
  const script = buildScript(file, source, hash, opts)
  cache.delete(cacheKey)
  cache.set(cacheKey, { key, script })
  if (cache.size > MAX_CACHED) {
    const oldest = cache.keys().next().value
    if (oldest !== undefined) cache.delete(oldest)
  }
  return script
}

/** Forgets every cached script (tests and long-lived processes that edit scripts in place). */
export function clearPymCache(): void {
  cache.clear()
}

function knownKey(opts: LoadOptions): string {
  if (opts.knownExternals === undefined) return 'host'
  if (opts.knownExternals === null) return 'none'
  return JSON.stringify(opts.knownExternals)
}

function buildScript(file: string, source: Buffer, hash: string, opts: LoadOptions): PymScript {
  const root = parseCst('python', source)
  const decls = collectDecls(source, root)
  const diagnostics = checkParsed(file, source, root, decls, opts)
  const errors = diagnostics.filter((d) => d.severity === 'error')
  const first = errors[0]
  if (first) {
    const syntax = first.code === 'E013'
    const more = errors.length > 1 ? ` (+${errors.length - 1} more)` : ''
    throw grailError(
      syntax ? 'ParseError' : 'CheckError',
      `${formatDiagnostic(first)}${more}`,
      `hint: ${first.hint}; run \`git momentum scripts check ${file}\` for every finding`,
      { script: file, line: first.line, col: first.col, diagnostics: errors },
    )
  }
  const inputs: PymInput[] = decls.inputs.map(({ name, key, typeText, type, required, line }) => ({
    name,
    key,
    typeText,
    type,
    required,
    line,
  }))
  const externals: PymExternal[] = decls.externals.map(
    ({ name, async, params, returnsText, returns, line }) => ({
      name,
      async,
      params,
      returnsText,
      returns,
      line,
    }),
  )
  const script: PymScript = {
    file,
    hash,
    inputs,
    externals,
    diagnostics,
    code: stripDeclarations(source, decls),
    lineCount: countLines(source),
  }
  compileScript(script)
  return script
}
