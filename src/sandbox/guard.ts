import { fail } from '../errors/index.js'
import { type Git, MODE, type TreeChange } from '../git/index.js'
import type { Patch } from '../syntax/types.js'
import { ownerOf } from './ownership.js'
import type { Ownership } from './types.js'

/** How one path changed between base and head, as byte patches in base coordinates. */
export interface FileChange {
  path: string
  /** Base bytes (empty for a new file). */
  before: Buffer
  /** Head bytes, or null when the path was deleted. */
  after: Buffer | null
  /** Mode in the head (or base when deleted). */
  mode: string
  existedInBase: boolean
  patches: Patch[]
}

function violation(message: string, data: Record<string, unknown>): Error {
  return fail(
    'RANGE_VIOLATION',
    message,
    'An agent may change only the bytes of its own node; redo the edit inside the range.',
    data,
  )
}

/** Smallest patch turning base[start,end) into text: trims what did not change on either side. */
export function trimmedPatch(base: Buffer, start: number, end: number, text: Buffer, nodeId: string): Patch {
  let k = 0
  const max = Math.min(end - start, text.length)
  while (k < max && base[start + k] === text[k]) k++
  let m = 0
  while (m < max - k && base[end - 1 - m] === text[text.length - 1 - m]) m++
  return { start: start + k, end: end - m, text: Buffer.from(text.subarray(k, text.length - m)), nodeId }
}

/** Throws RANGE_VIOLATION naming the stray bytes unless `after` keeps everything outside [start,end). */
export function checkRange(
  path: string,
  before: Buffer,
  after: Buffer,
  start: number,
  end: number,
  who: string,
): Patch {
  if (end > before.length)
    throw violation(
      `${path}: ${who}'s range ${start}-${end} is past the end of the file (${before.length} bytes)`,
      { path, start, end },
    )
  const suffixLen = before.length - end
  if (
    after.length < start + suffixLen ||
    Buffer.compare(after.subarray(0, start), before.subarray(0, start)) !== 0
  ) {
    let first = 0
    while (first < start && first < after.length && after[first] === before[first]) first++
    let last = start
    while (last > first && last - 1 < after.length && after[last - 1] === before[last - 1]) last--
    throw violation(
      `${path}:${first}-${Math.max(last, first + 1)} is outside ${who}'s range ${start}-${end}`,
      { path, stray: [first, last], range: [start, end] },
    )
  }
  const tail = after.subarray(after.length - suffixLen)
  if (Buffer.compare(tail, before.subarray(end)) !== 0) {
    let a = 0
    while (a < suffixLen && tail[a] === before[end + a]) a++
    let b = suffixLen
    while (b > a && tail[b - 1] === before[end + b - 1]) b--
    throw violation(`${path}:${end + a}-${end + b} is outside ${who}'s range ${start}-${end}`, {
      path,
      stray: [end + a, end + b],
      range: [start, end],
    })
  }
  return trimmedPatch(before, start, end, Buffer.from(after.subarray(start, after.length - suffixLen)), who)
}

const REGULAR = new Set([MODE.file, MODE.exec])

/**
 * The byte-range guard: every change between `base` and `head` (commits or trees) must be inside
 * `owns`. Returns each changed path as patches in base coordinates; throws RANGE_VIOLATION otherwise.
 */
export async function childPatches(
  git: Git,
  base: string,
  head: string,
  owns: readonly Ownership[],
  who = 'the agent',
): Promise<FileChange[]> {
  const changes = await git.diffTrees(base, head)
  const checked = checkOwnership(changes, owns, who)
  const blobs = await readBlobs(git, checked)
  return toFileChanges(checked, blobs, who)
}

/** One child of a merge: who it is, its head, and what it owns. */
export interface GuardSource {
  agentId: string
  head: string
  owns: readonly Ownership[]
}

/**
 * childPatches for many children of one base at once: one `diff-tree --stdin` and one blob batch in
 * all, whatever the number of children. Each entry is the child's changes or its RANGE_VIOLATION.
 */
export async function childPatchesMany(
  git: Git,
  base: string,
  sources: readonly GuardSource[],
): Promise<Array<{ changes: FileChange[]; error: null } | { changes: null; error: unknown }>> {
  const diffs = await git.diffTreesFrom(
    base,
    sources.map((s) => s.head),
  )
  const checked = sources.map((s) => {
    try {
      return { s, checked: checkOwnership(diffs.get(s.head) ?? [], s.owns, s.agentId), error: null }
    } catch (error) {
      return { s, checked: [], error }
    }
  })
  const blobs = await readBlobs(
    git,
    checked.flatMap((c) => c.checked),
  )
  return checked.map(({ s, checked: items, error }) => {
    if (error !== null) return { changes: null, error }
    try {
      return { changes: toFileChanges(items, blobs, s.agentId), error: null }
    } catch (err) {
      return { changes: null, error: err }
    }
  })
}

type Checked = { c: TreeChange; o: Ownership }
const ZERO = /^0+$/

function checkOwnership(changes: readonly TreeChange[], owns: readonly Ownership[], who: string): Checked[] {
  const checked: Checked[] = []
  for (const c of changes) {
    const o = ownerOf(owns, c.path)
    if (!o) throw violation(`${c.path} changed, but ${who} does not own it`, { path: c.path })
    const gone = c.status === 'D'
    if (!gone && !REGULAR.has(c.newMode))
      throw violation(
        `${c.path} became a ${c.newMode === MODE.symlink ? 'symlink' : 'submodule'}; only regular files may be written`,
        { path: c.path, mode: c.newMode },
      )
    if (!('whole' in o) && (gone || c.status === 'A' || c.oldMode !== c.newMode)) {
      throw violation(
        `${c.path} was ${gone ? 'deleted' : c.status === 'A' ? 'created' : 'changed mode'}, but ${who} owns only bytes ${o.start}-${o.end} of it`,
        { path: c.path },
      )
    }
    checked.push({ c, o })
  }
  return checked
}

async function readBlobs(git: Git, checked: readonly Checked[]): Promise<Map<string, Buffer>> {
  const oids = checked.flatMap(({ c }) => [c.oldOid, c.newOid]).filter((oid) => !ZERO.test(oid))
  if (oids.length === 0) return new Map()
  const objects = await git.readObjects([...new Set(oids)])
  return new Map(objects.flatMap((obj) => (obj ? [[obj.oid, obj.content] as const] : [])))
}

function toFileChanges(checked: readonly Checked[], blobs: Map<string, Buffer>, who: string): FileChange[] {
  const blob = (oid: string): Buffer | null => (ZERO.test(oid) ? null : (blobs.get(oid) ?? null))
  return checked.map(({ c, o }) => {
    const before = blob(c.oldOid) ?? Buffer.alloc(0)
    const after = c.status === 'D' ? null : (blob(c.newOid) ?? Buffer.alloc(0))
    const mode = c.status === 'D' ? c.oldMode : c.newMode
    const existedInBase = c.status !== 'A'
    if ('whole' in o) {
      const patches = after
        ? [trimmedPatch(before, 0, before.length, after, who)]
        : [{ start: 0, end: before.length, text: Buffer.alloc(0), nodeId: who }]
      return { path: c.path, before, after, mode, existedInBase, patches }
    }
    const patch = checkRange(c.path, before, after ?? Buffer.alloc(0), o.start, o.end, who)
    return { path: c.path, before, after, mode, existedInBase, patches: [patch] }
  })
}
