import type { Trailers } from './types.js'

/** Trailer keys the sandbox layer writes or expects. */
export const TRAILER = {
  run: 'Momentum-Run',
  agent: 'Momentum-Agent',
  kind: 'Momentum-Node-Kind',
  name: 'Momentum-Node-Name',
  range: 'Momentum-Range',
  attempt: 'Momentum-Attempt',
  model: 'Momentum-Model',
  validation: 'Momentum-Validation',
  merged: 'Momentum-Merged',
} as const

/** One line, no control characters: a value can never break out of its trailer. */
export function sanitizeTrailerValue(value: string): string {
  let out = ''
  for (const ch of value) {
    const code = ch.codePointAt(0) ?? 0
    out += code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029 ? ' ' : ch
  }
  return out.replace(/\s+/g, ' ').trim()
}

function checkKey(key: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9-]*$/.test(key)) throw new Error(`invalid trailer key "${key}"`)
  return key
}

/** Renders trailers as git trailer lines (empty values are dropped). */
export function formatTrailers(trailers: Trailers): string {
  const lines: string[] = []
  for (const [key, value] of Object.entries(trailers)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      const clean = sanitizeTrailerValue(v)
      if (clean !== '') lines.push(`${checkKey(key)}: ${clean}`)
    }
  }
  return lines.join('\n')
}

/** A commit message: subject/body, a blank line, then the trailer block. */
export function buildMessage(message: string, trailers: Trailers): string {
  const body = message.replace(/\0/g, '').replace(/\r\n?/g, '\n').trim() || 'momentum: agent commit'
  const block = formatTrailers(trailers)
  return block === '' ? `${body}\n` : `${body}\n\n${block}\n`
}

/** Reads the trailer block (last paragraph) of a commit message; repeated keys become arrays. */
export function parseTrailers(message: string): Trailers {
  const paragraphs = message
    .replace(/\r\n?/g, '\n')
    .trimEnd()
    .split(/\n\s*\n/)
  const last = paragraphs.length > 1 ? (paragraphs[paragraphs.length - 1] ?? '') : ''
  const out: Trailers = {}
  for (const line of last.split('\n')) {
    const m = /^([A-Za-z0-9][A-Za-z0-9-]*):\s*(.*)$/.exec(line)
    if (!m) continue
    const key = m[1] ?? ''
    const value = (m[2] ?? '').trim()
    const prev = out[key]
    out[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value]
  }
  return out
}
