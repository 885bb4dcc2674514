/** A counting semaphore: bounds how many git processes run at once across the whole process. */
export class Limiter {
  private active = 0
  private readonly waiting: Array<() => void> = []

  constructor(private max: number) {}

  /** Changes the bound; waiting tasks start as slots free up. */
  setMax(max: number): void {
    this.max = Math.max(1, Math.floor(max))
    this.drain()
  }

  /** How many tasks hold a slot right now. */
  get running(): number {
    return this.active
  }

  /** Runs `task` once a slot is free, releasing the slot however it ends. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve))
    else this.active++
    try {
      return await task()
    } finally {
      this.active--
      this.drain()
    }
  }

  private drain(): void {
    while (this.active < this.max && this.waiting.length > 0) {
      this.active++
      this.waiting.shift()?.()
    }
  }
}
