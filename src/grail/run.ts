import { MontyRuntimeError, MontySyntaxError, type ResumeOptions } from '@pydantic/monty'
import type { z } from 'zod'
import { fail } from '../errors/index.js'
import { bindArgs, bindInputs } from './bind.js'
import { type Compiled, compiledOf } from './compile.js'
import { drive, TimeBudgetExceeded } from './drive.js'
import { type GrailError, grailError, where } from './errors.js'
import { type GrailLimits, type LimitPreset, resolveLimits, toMontyLimits } from './limits.js'
import { probeTimeoutLine, type RecordedCall } from './probe.js'
import { formatType, matchesType, pythonTypeOf } from './pytype.js'
import { EXTERNAL_PREFIX, INPUTS_VAR } from './strip.js'
import type { PymScript } from './types.js'
import { toPlain } from './values.js'

/** A host implementation of an external; it receives one argument per declared parameter (see bindArgs). */
export type ExternalImpl = (...args: never[]) => unknown

/** Options for runPym. */
export interface RunPymOptions {
  /** Values for the script's Input declarations, by Input key. */
  inputs?: Record<string, unknown>
  /** Implementations of the externals the script declares (sync or async). */
  externals?: Record<string, ExternalImpl>
  /** A preset name or explicit limits; 'default' when omitted. */
  limits?: LimitPreset | GrailLimits
  /** Checks the script's value; a mismatch is an OutputError. */
  output?: z.ZodType
  /** Receives text the script prints (discarded otherwise). */
  onPrint?: (text: string) => void
  /** Stops the run between host calls. */
  signal?: AbortSignal
}

/** Python exception types Monty accepts when a host error is raised inside the script. */
const PY_EXCEPTIONS = new Set([
  'ValueError',
  'TypeError',
  'KeyError',
  'IndexError',
  'LookupError',
  'RuntimeError',
  'AttributeError',
  'NotImplementedError',
  'OSError',
  'PermissionError',
  'FileNotFoundError',
  'AssertionError',
  'ZeroDivisionError',
])

interface Injected {
  /** null: the script called a name that is neither defined nor a declared external. */
  external: string | null
  type: string
  message: string
  /** Contract violations fail the run even when the script catches them; host errors may be handled. */
  fatal: boolean
  cause?: unknown
}

/** Runs a loaded script in Monty with inputs, host externals and limits; resolves to the script's value. */
export async function runPym<T>(script: PymScript, opts: RunPymOptions & { output: z.ZodType<T> }): Promise<T>
export async function runPym(script: PymScript, opts?: RunPymOptions): Promise<unknown>
export async function runPym(script: PymScript, opts: RunPymOptions = {}): Promise<unknown> {
  const compiled = compiledOf(script)
  const inputs = bindInputs(script, opts.inputs ?? {})
  const impls = opts.externals ?? {}
  for (const ext of script.externals) {
    if (typeof impls[ext.name] !== 'function') {
      throw grailError(
        'ExternalError',
        `${script.file}:${ext.line}: the host provides no implementation for external '${ext.name}'`,
        `hint: pass externals.${ext.name} to runPym`,
        { script: script.file, line: ext.line, external: ext.name },
      )
    }
  }
  const limits = resolveLimits(opts.limits)
  const recorded: RecordedCall[] = []
  let injected: Injected | null = null
  let fatal: Injected | null = null
  const inject = (i: Injected): ResumeOptions => {
    injected = i
    if (i.fatal && !fatal) fatal = i
    return { exception: { type: i.type, message: i.message } }
  }

  const handle = async (
    name: string,
    args: unknown[],
    kwargs: Record<string, unknown>,
  ): Promise<ResumeOptions> => {
    if (opts.signal?.aborted)
      throw fail('INTERRUPTED', `script ${script.file} was aborted`, 'hint: run it again')
    const ext = name.startsWith(EXTERNAL_PREFIX)
      ? compiled.externals.get(name.slice(EXTERNAL_PREFIX.length))
      : undefined
    if (!ext) {
      const message = `name '${name}' is not defined`
      return record(recorded, name, inject({ external: null, type: 'NameError', message, fatal: false }))
    }
    const bound = bindArgs(ext, args, kwargs)
    if (!bound.ok)
      return record(
        recorded,
        name,
        inject({ external: ext.name, type: 'TypeError', message: bound.message, fatal: true }),
      )
    const impl = impls[ext.name] as (...a: unknown[]) => unknown
    let value: unknown
    try {
      value = await impl(...bound.values.map(toPlain))
    } catch (err) {
      const { type, message } = pythonException(err)
      return record(recorded, name, inject({ external: ext.name, type, message, fatal: false, cause: err }))
    }
    if (ext.returns && !matchesType(value, ext.returns)) {
      const message = `${ext.name}() returned ${pythonTypeOf(value)}, declared ${formatType(ext.returns)}`
      return record(recorded, name, inject({ external: ext.name, type: 'TypeError', message, fatal: true }))
    }
    return record(recorded, name, { returnValue: value === undefined ? null : value })
  }

  let output: unknown
  try {
    output = await drive(
      compiled.monty,
      {
        inputs: { [INPUTS_VAR]: inputs },
        limits: toMontyLimits(limits),
        budgetSecs: limits.durationSecs,
        ...(opts.onPrint ? { print: opts.onPrint } : {}),
      },
      handle,
    )
  } catch (err) {
    throw await mapRunError(err, { script, compiled, limits, inputs, recorded, injected })
  }
  const violation: Injected | null = fatal
  if (violation) throw externalError(script, violation, null)
  const plain = toPlain(output)
  if (!opts.output) return plain
  const parsed = opts.output.safeParse(plain)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  throw grailError(
    'OutputError',
    `${script.file}: the script's value does not match the declared output: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}`,
    "hint: make the script's last expression produce the declared shape",
    { script: script.file, line: null, issues: parsed.error.issues },
  )
}

function record(log: RecordedCall[], name: string, resume: ResumeOptions): ResumeOptions {
  log.push({ name, resume })
  return resume
}

function pythonException(err: unknown): { type: string; message: string } {
  if (err instanceof Error) {
    if (PY_EXCEPTIONS.has(err.name)) return { type: err.name, message: err.message }
    const code = (err as Error & { code?: unknown }).code
    const label = typeof code === 'string' ? code : err.name
    return { type: 'RuntimeError', message: `${label}: ${err.message}` }
  }
  return { type: 'RuntimeError', message: String(err) }
}

interface ErrorContext {
  script: PymScript
  compiled: Compiled
  limits: GrailLimits
  inputs: Record<string, unknown>
  recorded: RecordedCall[]
  injected: Injected | null
}

type LimitKind = 'time' | 'memory' | 'allocations' | 'recursion'

function limitKind(type: string, message: string): LimitKind | null {
  if (type === 'TimeoutError' && message.startsWith('time limit exceeded')) return 'time'
  if (type === 'MemoryError' && message.startsWith('allocation limit exceeded')) return 'allocations'
  if (type === 'MemoryError' && message.startsWith('memory limit exceeded')) return 'memory'
  if (type === 'RecursionError') return 'recursion'
  return null
}

async function mapRunError(err: unknown, ctx: ErrorContext): Promise<unknown> {
  const { script } = ctx
  if (err instanceof TimeBudgetExceeded) return limitError(ctx, 'time', await probe(ctx), err.message)
  if (err instanceof MontySyntaxError) {
    return grailError(
      'ExecutionError',
      `${script.file}: ${err.display('type-msg')}`,
      'hint: fix the script',
      {
        script: script.file,
        line: null,
      },
    )
  }
  if (!(err instanceof MontyRuntimeError)) return err
  const { typeName, message } = err.exception
  const frames = err.traceback().filter((f) => !ctx.compiled.wrapperLines.has(f.line))
  const line = frames.at(-1)?.line ?? null
  const injected = ctx.injected
  if (injected?.external && injected.type === typeName && injected.message === message) {
    return externalError(script, injected, line)
  }
  const kind = limitKind(typeName, message)
  if (kind) return limitError(ctx, kind, kind === 'time' && line === null ? await probe(ctx) : line, message)
  return grailError(
    'ExecutionError',
    `${where({ script: script.file, line })}: ${typeName}: ${message}`,
    'hint: fix the script; the traceback in data.traceback uses .pym line numbers',
    { script: script.file, line, pythonType: typeName, traceback: err.display('traceback') },
    err,
  )
}

async function probe(ctx: ErrorContext): Promise<number | null> {
  return probeTimeoutLine(ctx.script, ctx.compiled, ctx.inputs, ctx.recorded, ctx.limits)
}

function limitError(ctx: ErrorContext, kind: LimitKind, line: number | null, detail: string): GrailError {
  const { script, limits } = ctx
  const what: Record<LimitKind, string> = {
    time: `time limit of ${limits.durationSecs} s exceeded`,
    memory: `memory limit of ${limits.memoryBytes / 1024 / 1024} MB exceeded`,
    allocations: 'allocation limit exceeded',
    recursion: `recursion depth limit of ${limits.recursionDepth} exceeded`,
  }
  return grailError(
    'LimitError',
    `${where({ script: script.file, line })}: LimitError: ${what[kind]}${line === null ? '' : ` (line ${line})`}`,
    kind === 'time'
      ? 'hint: look for an endless loop, or choose a more permissive limits preset in the template'
      : 'hint: reduce the work the script does, or choose a more permissive limits preset in the template',
    { script: script.file, line, limit: kind, limits, detail },
  )
}

function externalError(script: PymScript, i: Injected, line: number | null): GrailError {
  if (!i.external) {
    return grailError(
      'ExecutionError',
      `${where({ script: script.file, line })}: ${i.type}: ${i.message}`,
      'hint: fix the script',
      {
        script: script.file,
        line,
        pythonType: i.type,
      },
    )
  }
  return grailError(
    'ExternalError',
    `${where({ script: script.file, line })}: external '${i.external}' failed: ${i.type}: ${i.message}`,
    i.fatal
      ? `hint: call ${i.external}() with the declared parameter types (see docs/grail.md)`
      : `hint: handle the error in the script with try/except, or fix the host's ${i.external}`,
    { script: script.file, line, external: i.external, pythonType: i.type },
    i.cause,
  )
}
