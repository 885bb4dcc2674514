/** Small pure formatters shared by the renderers. */

/** Human duration: `850ms`, `4.2s`, `3m05s`, `1h02m`, `7d`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-'
  if (ms < 1000) return `${Math.round(ms)}ms`
  const s = ms / 1000
  if (s < 60) return `${s.toFixed(1)}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s`
  const h = Math.floor(m / 60)
  if (h < 48) return `${h}h${String(m % 60).padStart(2, '0')}m`
  return `${Math.floor(h / 24)}d${h % 24 > 0 ? `${h % 24}h` : ''}`
}

/** Relevance score with two decimals, `-` when the agent never voted. */
export function formatScore(score: number | null | undefined): string {
  return score === null || score === undefined ? '-' : score.toFixed(2)
}

/** Abbreviated commit hash (what `git log --oneline` shows). */
export function shortHash(hash: string | null | undefined): string {
  return hash ? hash.slice(0, 10) : '-'
}

/** Token count like `1.2k`, keeping small numbers exact. */
export function formatTokens(n: number): string {
  if (n < 1000) return String(n)
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)}k`
  return `${(n / 1_000_000).toFixed(1)}M`
}

/** Parses `--older-than` values such as `30m`, `12h`, `7d`, `2w` into milliseconds; null when invalid. */
export function parseAge(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h|d|w)$/.exec(text.trim())
  if (!m) return null
  const unit = AGE_UNITS[m[2] ?? '']
  return unit === undefined ? null : Number(m[1]) * unit
}

const AGE_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }
