import { describe, expect, it } from 'vitest'
import { parseRetryAfter } from '../../../src/model/retry-after.js'

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z')

  it('reads delay-seconds, including fractions', () => {
    expect(parseRetryAfter({ 'Retry-After': '2' }, now)).toBe(2000)
    expect(parseRetryAfter({ 'retry-after': '0.25' }, now)).toBe(250)
    expect(parseRetryAfter({ 'retry-after': '0' }, now)).toBe(0)
  })

  it('reads an HTTP date relative to now and never goes negative', () => {
    expect(parseRetryAfter({ 'retry-after': 'Wed, 01 Jan 2025 00:00:05 GMT' }, now)).toBe(5000)
    expect(parseRetryAfter({ 'retry-after': 'Tue, 31 Dec 2024 23:59:00 GMT' }, now)).toBe(0)
  })

  it('prefers retry-after-ms over Retry-After', () => {
    expect(parseRetryAfter({ 'retry-after-ms': '120', 'retry-after': '9' }, now)).toBe(120)
  })

  it('falls back to Retry-After when retry-after-ms is garbage', () => {
    expect(parseRetryAfter({ 'retry-after-ms': 'soon', 'retry-after': '1' }, now)).toBe(1000)
  })

  it('works with fetch Headers', () => {
    expect(parseRetryAfter(new Headers({ 'Retry-After': '3' }), now)).toBe(3000)
  })

  it('returns null for absent or unparseable values', () => {
    expect(parseRetryAfter(undefined, now)).toBeNull()
    expect(parseRetryAfter({}, now)).toBeNull()
    expect(parseRetryAfter({ 'retry-after': 'later please' }, now)).toBeNull()
    expect(parseRetryAfter({ 'retry-after': '-5' }, now)).toBeNull()
  })
})
