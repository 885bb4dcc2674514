/** Header lookup that works for fetch `Headers` and for plain records. */
export type HeaderSource = { get(name: string): string | null } | Record<string, string | undefined>

function isGetter(h: HeaderSource): h is { get(name: string): string | null } {
  return typeof h.get === 'function'
}

function header(h: HeaderSource, name: string): string | undefined {
  if (isGetter(h)) return h.get(name) ?? undefined
  for (const [k, v] of Object.entries(h)) {
    if (k.toLowerCase() === name && typeof v === 'string') return v
  }
  return undefined
}

/**
 * How long the server asked us to wait, in ms, or null when it did not say.
 * Reads `retry-after-ms` (OpenAI's extension) first, then `Retry-After` as seconds or an HTTP date.
 */
export function parseRetryAfter(headers: HeaderSource | undefined, now: number = Date.now()): number | null {
  if (!headers) return null
  const ms = header(headers, 'retry-after-ms')?.trim()
  if (ms && /^\d+(\.\d+)?$/.test(ms)) return Math.ceil(Number(ms))
  const ra = header(headers, 'retry-after')?.trim()
  if (!ra) return null
  if (/^\d+(\.\d+)?$/.test(ra)) return Math.ceil(Number(ra) * 1000)
  // Only an HTTP-date (has a weekday/month name); Date.parse would read "-5" as a year.
  const at = /[a-z]/i.test(ra) ? Date.parse(ra) : Number.NaN
  if (Number.isNaN(at)) return null
  return Math.max(0, at - now)
}
