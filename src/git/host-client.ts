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
      // A waiting request must keep the process alive; an idle host must not.
      if (this.pending.size === 1) child.channel?.ref()
      child.send({ id, req }, (error) => {
        if (error) this.settle(id, { ok: false, exitCode: -1, stderr: `git host: ${error.message}` })
      })
    })
  }

  /** Whether requests currently go to a separate host process. */
  get active(): boolean {
    return this.child !== null
  }

  /** Stops the host (tests; the host also exits by itself when this process goes away). */
  stop(): void {
    this.child?.kill()
    this.child = null
  }

  private settle(id: number, reply: HostReply): void {
    const entry = this.pending.get(id)
    if (!entry) return
    this.pending.delete(id)
    if (this.pending.size === 0) this.child?.channel?.unref()
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
    child.on('message', (msg: { id: number; reply: HostReply }) => {
      this.replied = true
      this.settle(msg.id, msg.reply)
    })
    const lost = (why: string): void => {
      if (this.child !== child) return
      this.child = null
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
}

/** The one git host of this process. */
export const gitHost = new GitHostClient()
