import type { ObjectFormat } from './tree-object.js'
import { isTreeMode, parseTree, type TreeEntry } from './tree-object.js'

/** One changed path, as a line of `git diff-tree -r --no-renames` raw output describes it. */
export interface TreeChange {
  path: string
  oldMode: string
  newMode: string
  oldOid: string
  newOid: string
  status: string
}

/** Reads tree objects by oid, in one request per call (the cat-file batch process). */
export type TreeReader = (oids: string[]) => Promise<Buffer[]>

interface Pair {
  prefix: string
  a: string | null
  b: string | null
}

/**
 * `git diff-tree -r --no-renames a b` computed from the tree objects themselves: only subtrees
 * whose ids differ are read, one request per depth level. A run guards every commit this way
 * instead of paying a git process per agent.
 */
export async function diffTreeObjects(
  aTree: string,
  bTree: string,
  format: ObjectFormat,
  read: TreeReader,
): Promise<TreeChange[]> {
  const zero = '0'.repeat(format === 'sha1' ? 40 : 64)
  const changes: TreeChange[] = []
  let level: Pair[] = aTree === bTree ? [] : [{ prefix: '', a: aTree, b: bTree }]
  while (level.length > 0) {
    const oids = [...new Set(level.flatMap((p) => [p.a, p.b]).filter((o): o is string => o !== null))]
    const contents = await read(oids)
    const byOid = new Map(oids.map((o, i) => [o, parseTree(contents[i] ?? Buffer.alloc(0), format)]))
    const next: Pair[] = []
    for (const pair of level) {
      const left = new Map(
        (pair.a ? (byOid.get(pair.a) ?? []) : []).map((e) => [e.name.toString('latin1'), e]),
      )
      const right = new Map(
        (pair.b ? (byOid.get(pair.b) ?? []) : []).map((e) => [e.name.toString('latin1'), e]),
      )
      const names = [...new Set([...left.keys(), ...right.keys()])].sort()
      for (const name of names) {
        const ea = left.get(name)
        const eb = right.get(name)
        if (ea && eb && ea.oid === eb.oid && ea.mode === eb.mode) continue
        const path = pair.prefix + Buffer.from(name, 'latin1').toString('utf8')
        const treeA = ea && isTreeMode(ea.mode) ? ea : undefined
        const treeB = eb && isTreeMode(eb.mode) ? eb : undefined
        if (treeA || treeB) next.push({ prefix: `${path}/`, a: treeA?.oid ?? null, b: treeB?.oid ?? null })
        const leafA = ea && !treeA ? ea : undefined
        const leafB = eb && !treeB ? eb : undefined
        if (leafA || leafB) changes.push(leafChange(path, leafA, leafB, zero))
      }
    }
    level = next
  }
  return changes.sort((x, y) => Buffer.compare(Buffer.from(x.path), Buffer.from(y.path)))
}

function leafChange(
  path: string,
  a: TreeEntry | undefined,
  b: TreeEntry | undefined,
  zero: string,
): TreeChange {
  const kind = (mode: string): string => mode.slice(0, 2)
  let status = 'M'
  if (!a) status = 'A'
  else if (!b) status = 'D'
  else if (kind(a.mode) !== kind(b.mode)) status = 'T'
  return {
    path,
    oldMode: a ? a.mode.padStart(6, '0') : '000000',
    newMode: b ? b.mode.padStart(6, '0') : '000000',
    oldOid: a?.oid ?? zero,
    newOid: b?.oid ?? zero,
    status,
  }
}
