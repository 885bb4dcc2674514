import type { CstNode } from '../syntax/cst.js'
import type { PymDecls } from './parse.js'

/** Name of the single Monty input that carries every supplied Input value. */
export const INPUTS_VAR = '__grail_inputs__'
/** Prefix of the host-call name each external's wrapper forwards to. */
export const EXTERNAL_PREFIX = '__grail_ext_'

interface Edit {
  start: number
  end: number
  text: string
}

/**
 * The code Monty runs. Declarations are replaced by text with exactly as many newlines, so every
 * statement stays on its original .pym line and Monty's line numbers need no mapping:
 * - grail / __future__ imports become blank lines;
 * - `Input(...)` calls read `__grail_inputs__` (falling back to the declared default);
 * - each `@external` becomes a one-line wrapper on its `def` line that forwards to `__grail_ext_<name>`,
 *   which pauses Monty so the host can check the arguments and call the implementation.
 */
export function stripDeclarations(source: Buffer, decls: PymDecls): string {
  const text = (n: CstNode): string => source.toString('utf8', n.startByte, n.endByte)
  const edits: Edit[] = []
  for (const stmt of decls.grailImports) {
    edits.push({ start: stmt.startByte, end: stmt.endByte, text: newlinesOf(text(stmt)) })
  }
  for (const input of decls.inputs) {
    const key = JSON.stringify(input.key)
    const read = `${INPUTS_VAR}[${key}]`
    const expr = input.defaultNode
      ? `${read} if ${key} in ${INPUTS_VAR} else (${text(input.defaultNode)})`
      : read
    edits.push({ start: input.call.startByte, end: input.call.endByte, text: padded(expr, text(input.call)) })
  }
  for (const ext of decls.externals) {
    const wrapper =
      `${ext.async ? 'async ' : ''}def ${ext.name}(*args, **kwargs): ` +
      `return ${EXTERNAL_PREFIX}${ext.name}(*args, **kwargs)`
    const before = ext.line - 1 - ext.node.startRow
    const after = ext.node.endRow - (ext.line - 1)
    edits.push({
      start: ext.node.startByte,
      end: ext.node.endByte,
      text: '\n'.repeat(before) + wrapper + '\n'.repeat(after),
    })
  }
  return applyEdits(source, edits)
}

function newlinesOf(s: string): string {
  return '\n'.repeat(countNewlines(s))
}

function countNewlines(s: string): number {
  let n = 0
  for (const ch of s) if (ch === '\n') n++
  return n
}

/** Parenthesised expr with newlines added inside the parentheses to match the replaced text. */
function padded(expr: string, replaced: string): string {
  const missing = countNewlines(replaced) - countNewlines(expr)
  return `(${expr}${'\n'.repeat(Math.max(0, missing))})`
}

/** Applies non-overlapping byte edits and returns the result as a string. */
export function applyEdits(source: Buffer, edits: Edit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start)
  const parts: Buffer[] = []
  let at = 0
  for (const e of sorted) {
    parts.push(source.subarray(at, e.start), Buffer.from(e.text))
    at = e.end
  }
  parts.push(source.subarray(at))
  return Buffer.concat(parts).toString('utf8')
}
