import { createHash } from 'node:crypto'

/** One entry of a git tree object; names stay bytes so non-UTF-8 names survive a round trip. */
export interface TreeEntry {
  mode: string
  name: Buffer
  oid: string
}

/** Mode strings as git writes them in tree objects. */
export const MODE = { file: '100644', exec: '100755', symlink: '120000', gitlink: '160000', tree: '40000' }

/** Object format of the repository (`extensions.objectFormat`). */
export type ObjectFormat = 'sha1' | 'sha256'

/** Raw oid length in bytes for the object format. */
export function oidBytes(format: ObjectFormat): number {
  return format === 'sha1' ? 20 : 32
}

/** Parses the binary content of a tree object. */
export function parseTree(content: Buffer, format: ObjectFormat): TreeEntry[] {
  const len = oidBytes(format)
  const entries: TreeEntry[] = []
  let at = 0
  while (at < content.length) {
    const space = content.indexOf(0x20, at)
    const nul = content.indexOf(0, space)
    if (space < 0 || nul < 0 || nul + 1 + len > content.length) throw new Error('malformed tree object')
    const mode = content.subarray(at, space).toString('latin1')
    const name = Buffer.from(content.subarray(space + 1, nul))
    const oid = content.subarray(nul + 1, nul + 1 + len).toString('hex')
    entries.push({ mode, name, oid })
    at = nul + 1 + len
  }
  return entries
}

/** True for the tree mode (git also accepts the legacy zero-padded form). */
export function isTreeMode(mode: string): boolean {
  return mode === '40000' || mode === '040000'
}

/** git's tree order: compare names bytewise, as if directory names ended in '/'. */
export function compareEntries(a: TreeEntry, b: TreeEntry): number {
  const an = isTreeMode(a.mode) ? Buffer.concat([a.name, Buffer.from('/')]) : a.name
  const bn = isTreeMode(b.mode) ? Buffer.concat([b.name, Buffer.from('/')]) : b.name
  return Buffer.compare(an, bn)
}

/** Serialises entries (sorted in git order) into tree object content. */
export function serializeTree(entries: TreeEntry[]): Buffer {
  const sorted = [...entries].sort(compareEntries)
  const parts: Buffer[] = []
  for (const e of sorted) {
    parts.push(Buffer.from(`${isTreeMode(e.mode) ? '40000' : e.mode} `, 'latin1'), e.name, Buffer.from([0]))
    parts.push(Buffer.from(e.oid, 'hex'))
  }
  return Buffer.concat(parts)
}

/** The id git gives an object of this type and content. */
export function objectId(type: string, content: Buffer, format: ObjectFormat): string {
  const hash = createHash(format === 'sha1' ? 'sha1' : 'sha256')
  hash.update(`${type} ${content.length}\0`, 'latin1')
  hash.update(content)
  return hash.digest('hex')
}
