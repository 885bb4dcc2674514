import { describe, expect, it } from 'vitest'
import { MomentumError } from '../../../src/errors/index.js'
import { Semaphore } from '../../../src/model/semaphore.js'

const tick = (): Promise<void> => new Promise((r) => setImmediate(r))

describe('Semaphore', () => {
  it('never lets more than `limit` run at once, and reaches the limit', async () => {
    const sem = new Semaphore(3)
    let active = 0
    let peak = 0
    const gates: Array<() => void> = []
    const jobs = Array.from({ length: 10 }, () =>
      sem.run(async () => {
        active++
        peak = Math.max(peak, active)
        await new Promise<void>((r) => gates.push(r))
        active--
      }),
    )
    await tick()
    expect(active).toBe(3)
    expect(sem.waiting).toBe(7)
    while (gates.length > 0) {
      gates.shift()!()
      await tick()
      expect(active).toBeLessThanOrEqual(3)
    }
    await Promise.all(jobs)
    expect(peak).toBe(3)
    expect(sem.active).toBe(0)
  })

  it('serves waiters first-in first-out', async () => {
    const sem = new Semaphore(1)
    const release = await sem.acquire()
    const order: number[] = []
    const waits = [1, 2, 3].map((n) =>
      sem.acquire().then((r) => {
        order.push(n)
        r()
      }),
    )
    release()
    await Promise.all(waits)
    expect(order).toEqual([1, 2, 3])
  })

  it('does not let a newcomer jump ahead of a queued waiter on release', async () => {
    const sem = new Semaphore(1)
    const release = await sem.acquire()
    const order: string[] = []
    const queued = sem.acquire().then((r) => {
      order.push('queued')
      r()
    })
    release()
    const late = sem.acquire().then((r) => {
      order.push('late')
      r()
    })
    await Promise.all([queued, late])
    expect(order).toEqual(['queued', 'late'])
  })

  it('removes an aborted waiter at once and keeps the slot for the others', async () => {
    const sem = new Semaphore(1)
    const release = await sem.acquire()
    const ac = new AbortController()
    const aborted = sem.acquire(ac.signal)
    const next = sem.acquire()
    ac.abort()
    await expect(aborted).rejects.toBeInstanceOf(MomentumError)
    await expect(aborted).rejects.toMatchObject({ code: 'INTERRUPTED' })
    expect(sem.waiting).toBe(1)
    release()
    const r = await next
    expect(sem.active).toBe(1)
    r()
    r() // releasing twice must not create a phantom slot
    expect(sem.active).toBe(0)
    const all = await Promise.all([sem.acquire()])
    expect(sem.active).toBe(1)
    all[0]!()
  })

  it('rejects a non-positive limit', () => {
    expect(() => new Semaphore(0)).toThrow(MomentumError)
  })
})
