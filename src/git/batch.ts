/** One object from `git cat-file --batch`, or null for a name git could not resolve. */
export interface BatchObject {
  oid: string
  type: string
  content: Buffer
}

/** Parses `cat-file --batch` output for `count` requested names, in order. */
export function parseCatFileBatch(out: Buffer, count: number): Array<BatchObject | null> {
  const result: Array<BatchObject | null> = []
  let at = 0
  for (let i = 0; i < count; i++) {
    const eol = out.indexOf(0x0a, at)
    if (eol < 0) throw new Error('truncated cat-file --batch output')
    const header = out.subarray(at, eol).toString('latin1')
    at = eol + 1
    const parts = header.split(' ')
    if (parts.length !== 3 || !/^\d+$/.test(parts[2] ?? '')) {
      // "<name> missing" / "<name> ambiguous": nothing follows the header.
      result.push(null)
      continue
    }
    const size = Number(parts[2])
    result.push({
      oid: parts[0] ?? '',
      type: parts[1] ?? '',
      content: Buffer.from(out.subarray(at, at + size)),
    })
    at += size + 1
  }
  return result
}
