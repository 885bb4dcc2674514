import { grailError } from './errors.js'
import { formatType, matchesType, pythonTypeOf } from './pytype.js'
import type { PymExternal, PymScript } from './types.js'

/** Arguments bound to an external's parameters, in declaration order, or why they cannot be. */
export type Bound = { ok: true; values: unknown[] } | { ok: false; message: string }

/**
 * Binds a call's args/kwargs like Python would, then checks each against its annotation.
 * The host implementation receives one argument per declared parameter, in order: `*args` as an array,
 * `**kwargs` as a plain object, omitted parameters as their literal default.
 */
export function bindArgs(ext: PymExternal, args: readonly unknown[], kwargs: Record<string, unknown>): Bound {
  const values = new Map<string, unknown>()
  const rest: unknown[] = []
  const extra: Record<string, unknown> = {}
  const positional = ext.params.filter((p) => p.kind === 'positional')
  const varargs = ext.params.find((p) => p.kind === 'varargs')
  const varkw = ext.params.find((p) => p.kind === 'kwargs')
  for (const [i, value] of args.entries()) {
    const param = positional[i]
    if (param) values.set(param.name, value)
    else if (varargs) rest.push(value)
    else {
      return {
        ok: false,
        message: `${ext.name}() takes ${positional.length} positional argument(s) but ${args.length} were given`,
      }
    }
  }
  for (const [name, value] of Object.entries(kwargs)) {
    const param = ext.params.find((p) => p.name === name && (p.kind === 'positional' || p.kind === 'keyword'))
    if (param) {
      if (values.has(name))
        return { ok: false, message: `${ext.name}() got multiple values for argument '${name}'` }
      values.set(name, value)
    } else if (varkw) extra[name] = value
    else return { ok: false, message: `${ext.name}() got an unexpected keyword argument '${name}'` }
  }
  const out: unknown[] = []
  for (const p of ext.params) {
    if (p.kind === 'varargs' || p.kind === 'kwargs') {
      const items = p.kind === 'varargs' ? rest : Object.values(extra)
      const bad = p.type ? items.find((v) => !matchesType(v, p.type ?? { kind: 'any' })) : undefined
      if (bad !== undefined) return typeProblem(ext, p.name, p.type ? formatType(p.type) : 'Any', bad)
      out.push(p.kind === 'varargs' ? rest : extra)
      continue
    }
    if (!values.has(p.name)) {
      if (!p.hasDefault) return { ok: false, message: `${ext.name}() missing required argument '${p.name}'` }
      out.push(p.defaultValue)
      continue
    }
    const value = values.get(p.name)
    if (p.type && !matchesType(value, p.type)) return typeProblem(ext, p.name, formatType(p.type), value)
    out.push(value)
  }
  return { ok: true, values: out }
}

function typeProblem(ext: PymExternal, param: string, want: string, got: unknown): Bound {
  return { ok: false, message: `${ext.name}() argument '${param}' must be ${want}, got ${pythonTypeOf(got)}` }
}

/**
 * Checks supplied inputs against the declared annotations and fills in what Monty receives.
 * Keys that no Input declares are ignored, so a caller can pass one shared set to many scripts.
 */
export function bindInputs(script: PymScript, supplied: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const input of script.inputs) {
    const value = supplied[input.key]
    if (value === undefined) {
      if (!input.required) continue
      throw grailError(
        'InputError',
        `${script.file}:${input.line}: missing required input '${input.key}' (${input.typeText ?? 'untyped'})`,
        `hint: pass inputs.${input.key}, or give the Input a default`,
        { script: script.file, line: input.line, input: input.key },
      )
    }
    if (input.type && !matchesType(value, input.type)) {
      throw grailError(
        'InputError',
        `${script.file}:${input.line}: input '${input.key}' must be ${formatType(input.type)}, got ${pythonTypeOf(value)}`,
        `hint: pass a ${formatType(input.type)} for inputs.${input.key}`,
        { script: script.file, line: input.line, input: input.key },
      )
    }
    out[input.key] = value
  }
  return out
}
