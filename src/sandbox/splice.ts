import type { Patch } from '../syntax/types.js'

/** Where one patch's new text landed in the result. */
export interface Span {
  agentId: string
  start: number
  end: number
}

/** Applies patches already sorted by sortPatches; returns the bytes and each patch's output span. */
export function splice(bytes: Buffer, sorted: readonly Patch[]): { bytes: Buffer; spans: Span[] } {
  const pieces: Buffer[] = []
  const spans: Span[] = []
  let cursor = 0
  let out = 0
  for (const p of sorted) {
    pieces.push(bytes.subarray(cursor, p.start))
    out += p.start - cursor
    spans.push({ agentId: p.nodeId, start: out, end: out + p.text.length })
    pieces.push(p.text)
    out += p.text.length
    cursor = p.end
  }
  pieces.push(bytes.subarray(cursor))
  return { bytes: Buffer.concat(pieces), spans }
}
