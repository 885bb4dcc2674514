import { describe, expect, it } from 'vitest'
import { Scheduler } from '../../../src/agents/scheduler.js'
import { MomentumError } from '../../../src/errors/index.js'

/** A job that resolves only when the test says so, so concurrency is observed, not timed. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => {}
  const promise = new Promise<void>((resolve) => {
    open = resolve
  })
  return { promise, open }
}

describe('Scheduler', () => {
  it('never runs more than the limit at once and runs everything', async () => {
    const s = new Scheduler(3)
    const gates = Array.from({ length: 10 }, gate)
    let running = 0
    let peak = 0
    const done: number[] = []
    const all = gates.map((g, i) =>
      s.run(async () => {
        running++
        peak = Math.max(peak, running)
        await g.promise
        running--
        done.push(i)
      }),
    )
    await Promise.resolve()
    expect(s.active).toBe(3)
    for (const g of gates) g.open()
    await Promise.all(all)
    expect(peak).toBe(3)
    expect(s.maxActive).toBe(3)
    expect(done.sort((a, b) => a - b)).toEqual([...Array(10).keys()])
  })

  it('lets N siblings run together when the limit is at least N', async () => {
    const s = new Scheduler(8)
    const g = gate()
    const jobs = Array.from({ length: 8 }, () => s.run(() => g.promise))
    await Promise.resolve()
    expect(s.active).toBe(8)
    g.open()
    await Promise.all(jobs)
    expect(s.count).toBe(8)
  })

  it('stops scheduling after the signal aborts, queued jobs included', async () => {
    const ac = new AbortController()
    const s = new Scheduler(1, ac.signal)
    const g = gate()
    const first = s.run(() => g.promise)
    let secondRan = false
    const second = s
      .run(async () => {
        secondRan = true
      })
      .catch((err: unknown) => err)
    await Promise.resolve()
    expect(s.active).toBe(1)
    ac.abort()
    g.open()
    await first
    const err = await second
    expect(err).toBeInstanceOf(MomentumError)
    expect(err).toMatchObject({ code: 'INTERRUPTED' })
    expect(secondRan).toBe(false)
    await expect(s.run(async () => 1)).rejects.toMatchObject({ code: 'INTERRUPTED' })
  })

  it('releases the slot when a job throws', async () => {
    const s = new Scheduler(1)
    await expect(s.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom')
    await expect(s.run(async () => 42)).resolves.toBe(42)
  })
})
