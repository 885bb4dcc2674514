/**
 * Indentation between a node's bytes and what a script sees. A node's range starts at its first
 * token, so its first line carries no indentation while the rest carry the enclosing indent.
 * Scripts and models see the node dedented; proposals are re-indented before splicing.
 */

/** The node text with the enclosing `indent` removed from every line after the first. */
export function dedentNode(text: string, indent: string): string {
  if (indent === '') return text
  return text
    .split('\n')
    .map((line, i) => (i > 0 && line.startsWith(indent) ? line.slice(indent.length) : line))
    .join('\n')
}

/**
 * Brings a proposal to dedented form whatever way the model wrote it: wholly indented, indented
 * "as it is now" (first line bare, the rest at the enclosing indent), or already dedented.
 * `bodyIndent` is the dedented original's indent of its second and later lines (0 for one-liners).
 */
export function normalizeProposal(proposal: string, indent: string, bodyIndent: number): string {
  let lines = proposal.replace(/\r\n/g, '\n').split('\n')
  const nonEmpty = lines.filter((l) => l.trim() !== '')
  const lead = (l: string): number => l.length - l.trimStart().length
  const first = nonEmpty[0]
  if (first !== undefined && lead(first) > 0) {
    const common = Math.min(...nonEmpty.map(lead))
    lines = lines.map((l) => (l.trim() === '' ? '' : l.slice(common)))
  }
  if (indent !== '') {
    const rest = lines.slice(1).filter((l) => l.trim() !== '')
    const restMin = rest.length > 0 ? Math.min(...rest.map(lead)) : 0
    if (rest.length > 0 && restMin >= indent.length + Math.max(1, bodyIndent)) {
      lines = lines.map((l, i) => (i > 0 && l.startsWith(indent) ? l.slice(indent.length) : l))
    }
  }
  return lines.join('\n')
}

/** Re-indents a dedented node text for splicing at a range whose first line is already indented. */
export function reindentNode(text: string, indent: string): string {
  if (indent === '') return text
  return text
    .split('\n')
    .map((line, i) => (i > 0 && line.trim() !== '' ? indent + line : line))
    .join('\n')
}

/** Indent of the second and later lines of a dedented text (0 when there are none). */
export function bodyIndentOf(text: string): number {
  const rest = text
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() !== '')
  return rest.length > 0 ? Math.min(...rest.map((l) => l.length - l.trimStart().length)) : 0
}

/** Whitespace before `start` on its line, when only whitespace precedes it. */
export function indentAt(bytes: Buffer, start: number): string {
  const lineStart = bytes.lastIndexOf(0x0a, start - 1) + 1
  const prefix = bytes.toString('utf8', lineStart, start)
  return /^[ \t]*$/.test(prefix) ? prefix : ''
}
