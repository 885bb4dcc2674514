import type { RawAgent } from './discover.js'

const FENCE = /^ {0,3}(`{3,}|~{3,})/
const HEADING = /^( {0,3})(#{1,6})(?:[ \t]+|$)/

/**
 * Markdown sections by ATX heading (`#`..`######`), skipping fenced code and YAML front matter.
 * A section runs from its `#` to the last non-blank byte before the next heading of the same or a
 * higher level; deeper sections nest inside it by range. Setext headings are not sections.
 */
export function scanMarkdown(bytes: Buffer): RawAgent[] {
  const heads: { start: number; level: number; name: string; line: number }[] = []
  let fence: { char: string; len: number } | null = null
  let pos = 0
  let line = 1
  if (
    bytes.subarray(0, 4).toString('latin1') === '---\n' ||
    bytes.subarray(0, 5).toString('latin1') === '---\r\n'
  ) {
    // Front matter: its `# comments` are YAML, not headings.
    const close = /\r?\n---[ \t]*(\r?\n|$)/.exec(bytes.toString('latin1'))
    if (close) {
      const end = close.index + close[0].length
      line += countNewlines(bytes, 0, end)
      pos = end
    }
  }
  while (pos < bytes.length) {
    let eol = bytes.indexOf(10, pos)
    if (eol === -1) eol = bytes.length
    const text = bytes.toString('latin1', pos, eol).replace(/\r$/, '')
    const f = FENCE.exec(text)
    if (fence) {
      if (
        f &&
        f[1]![0] === fence.char &&
        f[1]!.length >= fence.len &&
        /^[ \t]*$/.test(text.slice(f[0].length))
      )
        fence = null
    } else if (f && !(f[1]![0] === '`' && text.slice(f[0].length).includes('`'))) {
      fence = { char: f[1]![0]!, len: f[1]!.length }
    } else {
      const h = HEADING.exec(text)
      if (h) {
        const titleStart = pos + h[0].length
        const raw = bytes.toString('utf8', titleStart, pos + Buffer.byteLength(text, 'latin1'))
        const name = raw.replace(/(^|[ \t]+)#+[ \t]*$/, '').trim()
        heads.push({ start: pos + h[1]!.length, level: h[2]!.length, name: name || '(empty)', line })
      }
    }
    pos = eol + 1
    line++
  }
  const out: RawAgent[] = []
  for (let i = 0; i < heads.length; i++) {
    const h = heads[i]!
    let next = bytes.length
    for (let j = i + 1; j < heads.length; j++) {
      if (heads[j]!.level <= h.level) {
        next = heads[j]!.start
        break
      }
    }
    let end = next
    while (end > h.start && isSpace(bytes[end - 1]!)) end--
    out.push({
      kind: 'md_section',
      name: h.name,
      start: h.start,
      end,
      startLine: h.line,
      endLine: h.line + countNewlines(bytes, h.start, end),
      decorated: false,
    })
  }
  return out
}

function isSpace(b: number): boolean {
  return b === 32 || b === 9 || b === 10 || b === 13
}

function countNewlines(bytes: Buffer, start: number, end: number): number {
  let n = 0
  let i = bytes.indexOf(10, start)
  while (i !== -1 && i < end) {
    n++
    i = bytes.indexOf(10, i + 1)
  }
  return n
}
