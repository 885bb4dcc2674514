import { Monty, MontyRuntimeError, MontySyntaxError } from '@pydantic/monty'
import { grailError } from './errors.js'
import { INPUTS_VAR } from './strip.js'
import type { PymExternal, PymScript } from './types.js'

/** What runPym needs beyond the public PymScript: the parsed Monty program and external lookups. */
export interface Compiled {
  monty: Monty
  externals: Map<string, PymExternal>
  /** Lines holding external wrappers; traceback frames there are the host boundary, not user code. */
  wrapperLines: Set<number>
}

const compiled = new WeakMap<PymScript, Compiled>()

/** Parses the stripped code with Monty once; Monty syntax errors become ParseError at the .pym line. */
export function compileScript(script: PymScript): Compiled {
  let monty: Monty
  try {
    monty = new Monty(script.code, { scriptName: script.file, inputs: [INPUTS_VAR] })
  } catch (err) {
    if (err instanceof MontySyntaxError || err instanceof MontyRuntimeError) {
      const line = errorLine(err)
      throw grailError(
        'ParseError',
        `${script.file}${line ? `:${line}` : ''}: ${err.display('type-msg')}`,
        'Monty does not support this syntax; rewrite it with plain functions, loops and dicts',
        { script: script.file, line },
        err,
      )
    }
    throw err
  }
  const entry: Compiled = {
    monty,
    externals: new Map(script.externals.map((e) => [e.name, e])),
    wrapperLines: new Set(script.externals.map((e) => e.line)),
  }
  compiled.set(script, entry)
  return entry
}

/** The compiled form of a script made by loadPym (compiled on first use otherwise). */
export function compiledOf(script: PymScript): Compiled {
  return compiled.get(script) ?? compileScript(script)
}

function errorLine(err: MontySyntaxError | MontyRuntimeError): number | null {
  const frame = err instanceof MontyRuntimeError ? err.traceback().at(-1) : undefined
  if (frame) return frame.line
  // Syntax errors carry no frames; Monty renders the position as `File "...", line N`.
  const match = /line (\d+)/.exec(renderTraceback(err))
  return match ? Number(match[1]) : null
}

/** The typed display() of MontySyntaxError admits only 'msg' | 'type-msg'; the native one also renders 'traceback'. */
function renderTraceback(err: MontySyntaxError | MontyRuntimeError): string {
  try {
    const display = err.display as (format: string) => string
    return display.call(err, 'traceback')
  } catch {
    return ''
  }
}
