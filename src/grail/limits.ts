import type { ResourceLimits } from '@pydantic/monty'

/** Named resource-limit presets a template can choose (Grail's strict / default / permissive). */
export type LimitPreset = 'strict' | 'default' | 'permissive'

/** Limits in Grail's units; mapped onto Monty's ResourceLimits by toMontyLimits. */
export interface GrailLimits {
  memoryBytes: number
  durationSecs: number
  recursionDepth: number
}

const MB = 1024 * 1024

/** The three presets, as documented in docs/grail.md. */
export const LIMIT_PRESETS: Readonly<Record<LimitPreset, GrailLimits>> = {
  strict: { memoryBytes: 8 * MB, durationSecs: 0.5, recursionDepth: 120 },
  default: { memoryBytes: 16 * MB, durationSecs: 2, recursionDepth: 200 },
  permissive: { memoryBytes: 64 * MB, durationSecs: 5, recursionDepth: 400 },
}

/** Resolves a preset name (or explicit limits) to concrete limits. */
export function resolveLimits(limits: LimitPreset | GrailLimits | undefined): GrailLimits {
  if (limits === undefined) return LIMIT_PRESETS.default
  if (typeof limits === 'string') return LIMIT_PRESETS[limits]
  return limits
}

/** Monty's ResourceLimits for the given Grail limits. */
export function toMontyLimits(limits: GrailLimits): ResourceLimits {
  return {
    maxMemory: limits.memoryBytes,
    maxDurationSecs: limits.durationSecs,
    maxRecursionDepth: limits.recursionDepth,
  }
}
