import { spawn } from 'node:child_process'
import { availableParallelism } from 'node:os'

/** What one finished (or killed) validator process produced. */
export interface ProcessOutcome {
  exitCode: number | null
  signal: NodeJS.Signals | null
  /** Combined stdout and stderr in arrival order, truncated in the middle past `maxOutputBytes`. */
  output: string
  /** Stdout alone, for tools that print machine-readable output there (pyright --outputjson). */
  stdout: string
  timedOut: boolean
  aborted: boolean
  /** Set when the process could not be started at all (ENOENT, EACCES). */
  spawnError?: string
}

/** Options for {@link runProcess}. */
export interface RunProcessOptions {
  cwd: string
  env: NodeJS.ProcessEnv
  timeoutMs: number
  maxOutputBytes?: number
  /** Stdout is kept whole up to this size (pyright's JSON), independent of the combined cap. */
  maxStdoutBytes?: number
  signal?: AbortSignal
}

const DEFAULT_MAX_OUTPUT = 64 * 1024
const DEFAULT_MAX_STDOUT = 16 * 1024 * 1024

// Validators are heavy (pyright is a whole node process); bound them so 128 agents do not spawn 128.
const limit = Math.max(1, availableParallelism())
let running = 0
const waiting: (() => void)[] = []

async function acquire(): Promise<void> {
  if (running < limit) {
    running++
    return
  }
  await new Promise<void>((resolve) => waiting.push(resolve))
}

function release(): void {
  const next = waiting.shift()
  if (next !== undefined) next()
  else running--
}

/** Keeps the head and the tail (where test runners print their summary) of a long output, in bounded memory. */
export class OutputCapture {
  private readonly headCap: number
  private readonly tailCap: number
  private head: Buffer[] = []
  private headLen = 0
  private tail: Buffer[] = []
  private tailLen = 0
  private dropped = 0

  constructor(maxBytes: number) {
    this.headCap = Math.floor(maxBytes / 4)
    this.tailCap = maxBytes - this.headCap
  }

  /** Adds a chunk; memory stays under about 3x the cap however much is written. */
  push(chunk: Buffer): void {
    let rest = chunk
    if (this.headLen < this.headCap) {
      const take = Math.min(this.headCap - this.headLen, rest.length)
      this.head.push(rest.subarray(0, take))
      this.headLen += take
      rest = rest.subarray(take)
    }
    if (rest.length === 0) return
    this.tail.push(rest)
    this.tailLen += rest.length
    if (this.tailLen > 2 * this.tailCap) this.trimTail()
  }

  private trimTail(): void {
    const all = Buffer.concat(this.tail)
    const keep = all.subarray(Math.max(0, all.length - this.tailCap))
    this.dropped += all.length - keep.length
    this.tail = [keep]
    this.tailLen = keep.length
  }

  /** The captured text, with a marker saying how many bytes were left out of the middle. */
  text(): string {
    if (this.tailLen > this.tailCap) this.trimTail()
    const head = Buffer.concat(this.head).toString('utf8')
    const tail = Buffer.concat(this.tail).toString('utf8')
    return this.dropped === 0
      ? head + tail
      : `${head}\n... [${this.dropped} bytes of output omitted] ...\n${tail}`
  }
}

/** Runs argv without a shell, in its own process group so a timeout kills the whole tree. */
export async function runProcess(argv: readonly string[], opts: RunProcessOptions): Promise<ProcessOutcome> {
  await acquire()
  try {
    return await spawnOnce(argv, opts)
  } finally {
    release()
  }
}

function spawnOnce(argv: readonly string[], opts: RunProcessOptions): Promise<ProcessOutcome> {
  const [file, ...args] = argv
  if (file === undefined) throw new Error('runProcess needs a non-empty argv')
  const maxOutput = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT
  const maxStdout = opts.maxStdoutBytes ?? DEFAULT_MAX_STDOUT
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      cwd: opts.cwd,
      env: opts.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      shell: false,
    })
    const combined = new OutputCapture(maxOutput)
    const stdout: Buffer[] = []
    let stdoutBytes = 0
    let timedOut = false
    let aborted = false
    let settled = false

    const collect = (chunk: Buffer, isStdout: boolean): void => {
      if (isStdout && stdoutBytes < maxStdout) {
        stdout.push(chunk)
        stdoutBytes += chunk.length
      }
      combined.push(chunk)
    }
    child.stdout.on('data', (c: Buffer) => collect(c, true))
    child.stderr.on('data', (c: Buffer) => collect(c, false))

    const killTree = (): void => {
      if (child.pid === undefined) return
      try {
        process.kill(-child.pid, 'SIGKILL')
      } catch {
        child.kill('SIGKILL')
      }
    }
    const timer = setTimeout(() => {
      timedOut = true
      killTree()
    }, opts.timeoutMs)
    const onAbort = (): void => {
      aborted = true
      killTree()
    }
    opts.signal?.addEventListener('abort', onAbort, { once: true })
    if (opts.signal?.aborted === true) onAbort()

    const finish = (outcome: Omit<ProcessOutcome, 'output' | 'stdout' | 'timedOut' | 'aborted'>): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      opts.signal?.removeEventListener('abort', onAbort)
      resolve({
        ...outcome,
        output: combined.text(),
        stdout: Buffer.concat(stdout).toString('utf8'),
        timedOut,
        aborted,
      })
    }
    // A validator must not leave background processes behind; they would also hold our pipes open.
    child.on('exit', killTree)
    child.on('error', (err) => finish({ exitCode: null, signal: null, spawnError: err.message }))
    child.on('close', (exitCode, signal) => finish({ exitCode, signal }))
  })
}
