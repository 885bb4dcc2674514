import { isMomentumError } from '../errors/index.js'

// Problems no retry can fix and every agent would hit: stop the run with the error itself.
const FATAL = new Set([
  'MODEL_AUTH',
  'MODEL_UNREACHABLE',
  'CASSETTE_MISS',
  'CASSETTE_INVALID',
  'VALIDATOR_UNAVAILABLE',
])

/** Whether an error must end the whole run (a user/config problem), not just fail one agent. */
export function isFatal(err: unknown): boolean {
  return isMomentumError(err) && FATAL.has(err.code)
}
