import { fail } from '../errors/index.js'
import { isBinary, lineStartOf } from './bytes.js'
import { checkSyntax } from './parse.js'
import type { LanguageId, Patch, SyntaxProblem } from './types.js'

/** Result of stitching: the new bytes and the parse problems found in them, each blamed on a patch. */
export interface StitchResult {
  bytes: Buffer
  problems: SyntaxProblem[]
}

/** Patches sorted for application: by start, insertions before a replacement at the same offset, then `order`. */
export function sortPatches(patches: readonly Patch[]): Patch[] {
  return patches
    .map((p, i) => ({ p, i }))
    .sort(
      (a, b) =>
        a.p.start - b.p.start ||
        Number(a.p.end > a.p.start) - Number(b.p.end > b.p.start) ||
        (a.p.order ?? 0) - (b.p.order ?? 0) ||
        a.i - b.i,
    )
    .map((x) => x.p)
}

/**
 * Throws PATCH_OUT_OF_BOUNDS / PATCH_OVERLAP (naming both nodes) unless the patches can be applied
 * together. A zero-width patch touching the edge of a replaced range does not overlap it.
 */
export function checkPatches(size: number, patches: readonly Patch[]): Patch[] {
  for (const p of patches) {
    if (
      !(
        Number.isInteger(p.start) &&
        Number.isInteger(p.end) &&
        p.start >= 0 &&
        p.start <= p.end &&
        p.end <= size
      )
    ) {
      throw fail(
        'PATCH_OUT_OF_BOUNDS',
        `patch from ${p.nodeId} has range [${p.start}, ${p.end}) outside a ${size}-byte file`,
        'The node range is stale; rediscover nodes on the current base before patching.',
        { nodeId: p.nodeId, start: p.start, end: p.end, size },
      )
    }
  }
  const sorted = sortPatches(patches)
  let holder: Patch | null = null
  for (const p of sorted) {
    if (holder && p.start < holder.end) {
      throw fail(
        'PATCH_OVERLAP',
        `patches overlap: ${holder.nodeId} [${holder.start}, ${holder.end}) and ${p.nodeId} [${p.start}, ${p.end})`,
        'Each agent may only patch its own node range; give the overlapping work to their common parent.',
        { a: holder.nodeId, b: p.nodeId, aRange: [holder.start, holder.end], bRange: [p.start, p.end] },
      )
    }
    if (p.end > p.start && (!holder || p.end > holder.end)) holder = p
  }
  return sorted
}

/**
 * Applies byte patches and re-parses. Every byte outside the patched ranges is copied unchanged;
 * each ERROR/MISSING node is blamed on the patch whose new range contains (or else overlaps) it.
 */
export function stitch(lang: LanguageId, bytes: Buffer, patches: readonly Patch[]): StitchResult {
  const sorted = checkPatches(bytes.length, patches)
  const pieces: Buffer[] = []
  const ranges: { nodeId: string; start: number; end: number; bad: boolean }[] = []
  let cursor = 0
  let outLen = 0
  for (const p of sorted) {
    pieces.push(bytes.subarray(cursor, p.start))
    outLen += p.start - cursor
    ranges.push({ nodeId: p.nodeId, start: outLen, end: outLen + p.text.length, bad: isBinary(p.text) })
    pieces.push(p.text)
    outLen += p.text.length
    cursor = p.end
  }
  pieces.push(bytes.subarray(cursor))
  const out = Buffer.concat(pieces)
  const badPatches = ranges.filter((r) => r.bad)
  if (badPatches.length > 0 || isBinary(out)) {
    // Binary text cannot be parsed; report it as the patch's problem instead of throwing.
    return {
      bytes: out,
      problems: (badPatches.length > 0 ? badPatches : [{ nodeId: null, start: 0, end: out.length }]).map(
        (r) => ({
          kind: 'error',
          startByte: r.start,
          endByte: r.end,
          line: lineOf(out, r.start),
          column: r.start - lineStartOf(out, r.start) + 1,
          nodeType: 'BINARY',
          nodeId: r.nodeId,
        }),
      ),
    }
  }
  const problems = checkSyntax(lang, out).map((pr) => {
    const inside = ranges.find((r) => r.start <= pr.startByte && pr.startByte <= r.end)
    const touching = inside ?? ranges.find((r) => r.start < pr.endByte && pr.startByte < r.end)
    return { ...pr, nodeId: touching?.nodeId ?? null }
  })
  return { bytes: out, problems }
}

function lineOf(bytes: Buffer, offset: number): number {
  let n = 1
  let i = bytes.indexOf(10)
  while (i !== -1 && i < offset) {
    n++
    i = bytes.indexOf(10, i + 1)
  }
  return n
}
