/** One object from `git cat-file --batch`, or null for a name git could not resolve. */
export interface BatchObject {
  oid: string
  type: string
  content: Buffer
}

/**
 * Reads one reply from the front of a batch process's output: the value and how many bytes it
 * used, or how many bytes must have arrived before it can tell (so big blobs are not re-scanned).
 */
export type ReplyParser<T> = (out: Buffer) => { value: T; used: number } | { need: number }

/** Reads one `cat-file --batch` reply: the object, or null for a name git could not resolve. */
export function catFileReply(out: Buffer): { value: BatchObject | null; used: number } | { need: number } {
  const eol = out.indexOf(0x0a)
  if (eol < 0) return { need: out.length + 1 }
  const header = out.subarray(0, eol).toString('latin1')
  const m = /^([0-9a-f]{40}|[0-9a-f]{64}) (\S+) (\d+)$/.exec(header)
  // "<name> missing" / "<name> ambiguous": nothing follows the header.
  if (!m) return { value: null, used: eol + 1 }
  const end = eol + 1 + Number(m[3]) + 1
  if (out.length < end) return { need: end }
  return {
    value: { oid: m[1] ?? '', type: m[2] ?? '', content: Buffer.from(out.subarray(eol + 1, end - 1)) },
    used: end,
  }
}

/** A parser for replies made of exactly `count` newline-terminated lines (newlines removed). */
export function lineReplies(count: number): ReplyParser<string[]> {
  return (out) => {
    const lines: string[] = []
    let at = 0
    for (let i = 0; i < count; i++) {
      const eol = out.indexOf(0x0a, at)
      if (eol < 0) return { need: out.length + 1 }
      lines.push(out.subarray(at, eol).toString('utf8'))
      at = eol + 1
    }
    return { value: lines, used: at }
  }
}
