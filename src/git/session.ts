import { spawn } from 'node:child_process'
import type { ReplyParser } from './batch.js'
import { gitConfig, gitEnv } from './env.js'
import type { GitFailure } from './exec.js'
import { countSession } from './exec.js'
import { gitHost, type Pipe, type PipeHandlers } from './host-client.js'

interface Job {
  input: Buffer
  parse: ReplyParser<unknown>
  resolve: (value: unknown) => void
  reject: (failure: GitFailure) => void
}

/** How long an idle session stays up before its stdin is closed and git exits. */
const IDLE_MS = 1500

/**
 * One long-running git process that answers requests on stdin (`cat-file --batch`,
 * `update-ref --stdin`, `mktree --batch`, `hash-object --stdin-paths`). A run makes thousands of
 * such requests; a process per request cost a fork each, which dominated runs of many agents.
 *
 * By default one request is in flight at a time: when git dies on a request (update-ref does on a
 * failed compare-and-swap) only that request sees the failure, and the next one starts a fresh
 * process. `pipeline` sends requests without waiting, for commands that do not die on expected
 * input (`cat-file --batch` answers "missing"): a run's agents then share one process without
 * waiting on each other's round trips.
 * simple-git has no interactive mode, so this is the one place that spawns git directly; it
 * applies the same environment and `-c` settings as every other call (src/git/env.ts).
 */
export class GitSession {
  private proc: Pipe | null = null
  private readonly queue: Job[] = []
  private readonly inFlight: Job[] = []
  private chunks: Buffer[] = []
  private size = 0
  private need = 1
  private stderr = ''
  private idle: NodeJS.Timeout | null = null
  private pumpQueued = false

  constructor(
    private readonly cwd: string,
    private readonly args: readonly string[],
    private readonly extraEnv: Record<string, string>,
    private readonly pipeline = false,
  ) {}

  /** Requests queued or in flight (a pool sends new work to the least loaded process). */
  get load(): number {
    return this.queue.length + this.inFlight.length
  }

  /** Sends `input` and resolves with what `parse` reads back; a git failure rejects with a GitFailure. */
  request<T>(input: Buffer | string, parse: ReplyParser<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        input: Buffer.from(input),
        parse: parse as ReplyParser<unknown>,
        resolve: resolve as (value: unknown) => void,
        reject,
      })
      // Requests made in the same turn (one per name of a read) leave in one write.
      if (!this.pumpQueued) {
        this.pumpQueued = true
        queueMicrotask(() => {
          this.pumpQueued = false
          this.pump()
        })
      }
    })
  }

  /** Ends the process once the queue is empty (it exits on end of input). */
  close(): void {
    if (this.idle) clearTimeout(this.idle)
    this.idle = null
    if (this.inFlight.length > 0 || this.queue.length > 0 || !this.proc) return
    // Detach first: a request arriving while this process winds down must start a new one.
    const proc = this.proc
    this.proc = null
    proc.end()
  }

  private start(): Pipe {
    const args = [...gitConfig(false).flatMap((c) => ['-c', c]), ...this.args]
    const env = gitEnv(process.env, this.extraEnv)
    countSession()
    this.stderr = ''
    // Spawned by the git host when it runs (no fork of this big process), else here.
    const handlers: PipeHandlers = {
      out: (chunk) => {
        if (this.proc === pipe) this.onData(chunk)
      },
      err: (chunk) => {
        if (this.proc === pipe) this.stderr += chunk.toString('utf8')
      },
      exit: (code) => this.onClose(pipe, code),
    }
    const pipe: Pipe =
      gitHost.openPipe(args, this.cwd, env, handlers) ?? localPipe(args, this.cwd, env, handlers)
    return pipe
  }

  private pump(): void {
    if (this.queue.length === 0) {
      if (this.proc && this.inFlight.length === 0) {
        this.unrefIfIdle(this.proc)
        if (this.idle) clearTimeout(this.idle)
        this.idle = setTimeout(() => this.close(), IDLE_MS)
        this.idle.unref()
      }
      return
    }
    if (this.idle) clearTimeout(this.idle)
    this.idle = null
    // Everything that may go now goes in one write: under a burst (64 agents committing at once)
    // a message per request cost more than git's work on it.
    const batch: Buffer[] = []
    while (this.queue.length > 0 && (this.inFlight.length === 0 || this.pipeline)) {
      const job = this.queue.shift() as Job
      if (this.inFlight.length === 0) {
        this.chunks = []
        this.size = 0
        this.need = 1
      }
      this.inFlight.push(job)
      batch.push(job.input)
    }
    if (batch.length === 0) return
    this.proc ??= this.start()
    this.proc.hold(true)
    this.proc.write(batch.length === 1 ? (batch[0] as Buffer) : Buffer.concat(batch))
  }

  private onData(chunk: Buffer): void {
    this.chunks.push(chunk)
    this.size += chunk.length
    while (this.inFlight.length > 0 && this.size >= this.need) {
      const job = this.inFlight[0] as Job
      const out =
        this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.size)
      const reply = job.parse(out)
      if ('need' in reply) {
        this.chunks = [out]
        this.need = reply.need
        return
      }
      const rest = out.subarray(reply.used)
      this.inFlight.shift()
      this.chunks = rest.length > 0 ? [rest] : []
      this.size = rest.length
      this.need = 1
      job.resolve(reply.value)
    }
    this.pump()
  }

  private onClose(proc: Pipe, code: number): void {
    if (this.proc !== proc) return
    this.proc = null
    const failure = {
      ok: false as const,
      exitCode: code === 0 ? -1 : code,
      stderr: this.stderr,
      args: [...this.args],
    }
    for (const job of this.inFlight.splice(0)) job.reject(failure)
    this.pump()
  }

  private unrefIfIdle(p: Pipe): void {
    // An idle session must never keep the process alive.
    if (this.inFlight.length === 0) p.hold(false)
  }
}

/** A batch process spawned by this process (when the git host is off). */
function localPipe(args: string[], cwd: string, env: Record<string, string>, h: PipeHandlers): Pipe {
  const proc = spawn('git', args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] })
  proc.stdout.on('data', (chunk: Buffer) => h.out(chunk))
  proc.stderr.on('data', (chunk: Buffer) => h.err(chunk))
  // A write to a process that just died reports EPIPE here; 'close' settles the job.
  proc.stdin.on('error', () => undefined)
  proc.on('error', (error) => h.err(Buffer.from(error.message)))
  proc.on('close', (code) => h.exit(code ?? -1))
  const streams = [proc.stdout, proc.stderr, proc.stdin] as unknown as Array<{ ref(): void; unref(): void }>
  return {
    write: (data) => proc.stdin.write(data),
    end: () => proc.stdin.end(),
    hold: (on) => {
      if (on) proc.ref()
      else proc.unref()
      for (const s of streams)
        if (on) s.ref()
        else s.unref()
    },
  }
}
