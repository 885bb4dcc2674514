import { type ChildProcess, fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { HOST_FLAG, type HostReply, type HostRequest, runRequest } from './host.js'

/**
 * The main process's side of the git host (see host.js for why it exists). Requests go over an IPC
 * channel; the host is started on first use and restarted if it ever dies. Set
 * MOMENTUM_GIT_HOST=0 to run git from this process instead (slower, same results).
 */
class GitHostClient {
  private child: ChildProcess | null = null
  private nextId = 1
  private nextSid = 1
  private holds = 0
  private readonly pipes = new Map<number, PipeHandlers>()
  private readonly pending = new Map<number, { req: HostRequest; resolve: (reply: HostReply) => void }>()
  private replied = false
  private disabled = process.env.MOMENTUM_GIT_HOST === '0'

  /** Runs one request in the host, or in-process when the host is off or cannot start. */
  run(req: HostRequest): Promise<HostReply> {
    const child = this.disabled ? null : this.ensure()
    if (child === null) return runRequest(req)
    const id = this.nextId++
    return new Promise<HostReply>((resolve) => {
      this.pending.set(id, { req, resolve })
      this.reref()
      child.send({ id, req }, (error) => {
        if (error) this.settle(id, { ok: false, exitCode: -1, stderr: `git host: ${error.message}` })
      })
    })
  }

  /**
   * Starts a long-running git process in the host and relays its stdio, or returns null when the
   * host is off (the caller then spawns it here).
   */
  openPipe(args: string[], cwd: string, env: Record<string, string>, handlers: PipeHandlers): Pipe | null {
    const child = this.disabled ? null : this.ensure()
    if (child === null) return null
    const sid = this.nextSid++
    this.pipes.set(sid, handlers)
    const send = (msg: object): void => {
      if (this.child === child && child.connected) child.send(msg)
    }
    send({ op: 'open', sid, args, cwd, env })
    let held = false
    return {
      write: (data) => send({ op: 'write', sid, data }),
      end: () => send({ op: 'end', sid }),
      hold: (on) => {
        if (on === held) return
        held = on
        this.holds += on ? 1 : -1
        this.reref()
      },
    }
  }

  /** A waiting request or a busy pipe must keep this process alive; an idle host must not. */
  private reref(): void {
    if (this.pending.size + this.holds > 0) this.child?.channel?.ref()
    else this.child?.channel?.unref()
  }

  private settle(id: number, reply: HostReply): void {
    const entry = this.pending.get(id)
    if (!entry) return
    this.pending.delete(id)
    this.reref()
    entry.resolve(reply)
  }

  private ensure(): ChildProcess | null {
    if (this.child) return this.child
    let child: ChildProcess
    try {
      child = fork(fileURLToPath(new URL('./host.js', import.meta.url)), [HOST_FLAG], {
        // No inherited --inspect, --cpu-prof or test loaders: the host is plain Node.
        execArgv: [],
        serialization: 'advanced',
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      })
    } catch {
      this.disabled = true
      return null
    }
    child.unref()
    child.channel?.unref()
    child.on('message', (msg: HostMessage) => {
      this.replied = true
      if ('sid' in msg) this.relay(msg)
      else this.settle(msg.id, msg.reply)
    })
    const lost = (why: string): void => {
      if (this.child !== child) return
      this.child = null
      for (const [sid, h] of [...this.pipes]) {
        this.pipes.delete(sid)
        h.err(Buffer.from(`git host process ${why}`))
        h.exit(-1)
      }
      if (!this.replied) {
        // It never got going (no node binary, no memory): nothing ran there, so run it all here.
        this.disabled = true
        for (const [id, { req }] of [...this.pending]) void runRequest(req).then((r) => this.settle(id, r))
        return
      }
      // A command in flight may or may not have run; report it failed rather than run it twice.
      for (const id of [...this.pending.keys()])
        this.settle(id, { ok: false, exitCode: -1, stderr: `git host process ${why}` })
    }
    child.on('exit', (code, signal) => lost(`exited (${signal ?? code})`))
    child.on('error', (error) => lost(`failed: ${error.message}`))
    this.child = child
    return child
  }

  private relay(msg: Extract<HostMessage, { sid: number }>): void {
    const h = this.pipes.get(msg.sid)
    if (!h) return
    const bytes = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength)
    if ('out' in msg) h.out(bytes(msg.out))
    else if ('err' in msg) h.err(bytes(msg.err))
    else {
      this.pipes.delete(msg.sid)
      h.exit(msg.exit)
    }
  }
}

/** What the host sends back: a request's reply, or output and exit of a relayed batch process. */
type HostMessage =
  | { id: number; reply: HostReply }
  | { sid: number; out: Uint8Array }
  | { sid: number; err: Uint8Array }
  | { sid: number; exit: number }

/** Callbacks for a relayed batch process's stdout, stderr and exit. */
export interface PipeHandlers {
  out(chunk: Buffer): void
  err(chunk: Buffer): void
  exit(code: number): void
}

/** The stdin side of a batch process, wherever it runs; `hold` keeps this process alive meanwhile. */
export interface Pipe {
  write(data: Buffer): void
  end(): void
  hold(on: boolean): void
}

/** The one git host of this process. */
export const gitHost = new GitHostClient()
