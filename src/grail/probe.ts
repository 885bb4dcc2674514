import { Monty, type ResumeOptions } from '@pydantic/monty'
import { type CstNode, parseCst } from '../syntax/cst.js'
import type { Compiled } from './compile.js'
import { drive } from './drive.js'
import { type GrailLimits, toMontyLimits } from './limits.js'
import { applyEdits, INPUTS_VAR } from './strip.js'
import type { PymScript } from './types.js'

/** One host call of a run, with the answer Monty got, so a replay repeats no side effect. */
export interface RecordedCall {
  name: string
  resume: ResumeOptions
}

const TICK = '__grail_tick__'
const probes = new WeakMap<PymScript, Monty>()

/**
 * Monty reports a time-limit stop without a traceback. To still name a line, replay the run on a copy
 * of the code with a probe call before every statement, answering host calls from the recording (no
 * external runs twice), under the same limits; the last probe seen is where the time went. Best effort:
 * null when the replay diverges from the recording or never reaches a probe.
 */
export async function probeTimeoutLine(
  script: PymScript,
  _compiled: Compiled,
  inputs: Record<string, unknown>,
  recorded: readonly RecordedCall[],
  limits: GrailLimits,
): Promise<number | null> {
  let monty = probes.get(script)
  if (!monty) {
    monty = new Monty(instrument(script.code), { scriptName: script.file, inputs: [INPUTS_VAR] })
    probes.set(script, monty)
  }
  let last: number | null = null
  let next = 0
  try {
    await drive(
      monty,
      { inputs: { [INPUTS_VAR]: inputs }, limits: toMontyLimits(limits), budgetSecs: limits.durationSecs },
      (name, args) => {
        if (name === TICK) {
          const line = args[0]
          if (typeof line === 'number') last = line
          return { returnValue: null }
        }
        const call = recorded[next++]
        if (!call || call.name !== name) throw new Error('replay diverged')
        return call.resume
      },
    )
  } catch {
    // The replay ends the way the run did (or diverges); only the last probe matters.
  }
  return last
}

/** Inserts `__grail_tick__(<line>)` before every statement; lines move, but each probe carries its own. */
export function instrument(code: string): string {
  const bytes = Buffer.from(code)
  const root = parseCst('python', bytes)
  const edits: { start: number; end: number; text: string }[] = []
  const visit = (n: CstNode): void => {
    if (n.type === 'module' || n.type === 'block') {
      for (const stmt of n.children) {
        if (!stmt.named || stmt.type === 'comment') continue
        const lineStart = stmt.startByte - stmt.startCol
        const indent = bytes.toString('utf8', lineStart, stmt.startByte)
        const tick = `${TICK}(${stmt.startRow + 1})`
        const text = /^[ \t]*$/.test(indent) ? `${tick}\n${indent}` : `${tick}; `
        edits.push({ start: stmt.startByte, end: stmt.startByte, text })
      }
    }
    for (const c of n.children) visit(c)
  }
  visit(root)
  return applyEdits(bytes, edits)
}
