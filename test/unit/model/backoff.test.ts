import { describe, expect, it } from 'vitest'
import { backoffDelay, sleep } from '../../../src/model/backoff.js'

const policy = { baseDelayMs: 100, maxDelayMs: 1000 }

describe('backoffDelay', () => {
  it('doubles each retry and stays within [step/2, step]', () => {
    const low = [0, 1, 2, 3].map((r) => backoffDelay(r, policy, null, () => 0))
    const high = [0, 1, 2, 3].map((r) => backoffDelay(r, policy, null, () => 1))
    expect(low).toEqual([50, 100, 200, 400])
    expect(high).toEqual([100, 200, 400, 800])
  })

  it('caps the step at maxDelayMs', () => {
    expect(backoffDelay(10, policy, null, () => 1)).toBe(1000)
    expect(backoffDelay(40, policy, null, () => 0)).toBe(500)
  })

  it('jitters: different random draws give different delays', () => {
    expect(backoffDelay(2, policy, null, () => 0.1)).not.toBe(backoffDelay(2, policy, null, () => 0.9))
  })

  it('lets a server Retry-After win, even above the cap', () => {
    expect(backoffDelay(0, policy, 5000, () => 0.5)).toBe(5000)
    expect(backoffDelay(3, policy, 0, () => 0.5)).toBe(0)
  })
})

describe('sleep', () => {
  it('rejects at once with the abort reason', async () => {
    const ac = new AbortController()
    const p = sleep(60_000, ac.signal)
    ac.abort(new Error('stop'))
    await expect(p).rejects.toThrow('stop')
  })

  it('rejects immediately when already aborted', async () => {
    await expect(sleep(60_000, AbortSignal.abort(new Error('gone')))).rejects.toThrow('gone')
  })
})
