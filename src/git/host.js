// @ts-check
/**
 * The git host: a small Node process that runs git on behalf of the main process.
 *
 * Why it exists: on Linux, spawning forks the spawning process, and fork time grows with its
 * memory. Ours holds Ruff's wasm, the grammars and a whole run (hundreds of MB), so each git spawn
 * cost 20-80 ms of our one main thread, and a run of 64 agents spent most of its wall time there.
 * Forking from this ~40 MB process costs a few ms, on another core, off our event loop.
 *
 * Plain JavaScript (type-checked through JSDoc) so that the very same file runs when forked from
 * the sources under vitest and from dist/ in the CLI. It may import nothing from this repo.
 */
import { spawn } from 'node:child_process'
import { simpleGit } from 'simple-git'

/**
 * One git command, fully prepared by src/git/exec.ts (environment, `-c` settings, arguments).
 * @typedef {object} HostRequest
 * @property {string[]} args git arguments
 * @property {string} cwd directory to run in
 * @property {Record<string, string>} env the whole child environment
 * @property {string[]} config `-c` settings
 * @property {string[]} allowEnv git variables in `env` that simple-git must let through
 * @property {Uint8Array} input stdin bytes (always written, so stdin is always closed)
 */

/**
 * @typedef {{ ok: true, stdout: string } | { ok: false, exitCode: number, stderr: string }} HostReply
 */

/**
 * Runs one git command through simple-git and never throws.
 * @param {HostRequest} req
 * @returns {Promise<HostReply>}
 */
export async function runRequest(req) {
  const seen = { exitCode: 0, stderr: '' }
  const input = Buffer.from(req.input.buffer, req.input.byteOffset, req.input.byteLength)
  const git = simpleGit({
    baseDir: req.cwd,
    config: req.config,
    // simple-git flags these keys whatever their value; exec.ts only ever sets them to the safe value.
    unsafe: { allowUnsafeFsMonitor: true, allowUnsafeHooksPath: true, allowUnsafePager: true },
    allowEnvironment: req.allowEnv,
    // Without onExit=false simple-git waits 50 ms after every process exit.
    completion: { onClose: true, onExit: false },
    // An empty Buffer is still written, which closes stdin so git can never wait on a terminal.
    input: () => input,
    errors: (error, result) => {
      seen.exitCode = result.exitCode
      seen.stderr = Buffer.concat(result.stdErr).toString('utf8')
      // simple-git ignores a non-zero exit with empty stderr; we never want that.
      return result.exitCode !== 0 ? (error ?? Buffer.from(`exit ${result.exitCode}`)) : error
    },
  }).env(req.env)
  try {
    return { ok: true, stdout: await git.raw(req.args) }
  } catch (error) {
    const stderr = seen.stderr || (error instanceof Error ? error.message : String(error))
    return { ok: false, exitCode: seen.exitCode || -1, stderr }
  }
}

/** The argument that tells this file it was forked as the host rather than imported. */
export const HOST_FLAG = '--momentum-git-host'

/**
 * A message from the parent: a one-shot request, or an operation on a long-running batch process
 * (src/git/session.ts), whose stdio this process relays so the parent never forks itself.
 * @typedef {{ id: number, req: HostRequest }
 *   | { op: 'open', sid: number, args: string[], cwd: string, env: Record<string, string> }
 *   | { op: 'write', sid: number, data: Uint8Array }
 *   | { op: 'end', sid: number }} HostMessage
 */

/**
 * Serves requests over the IPC channel until the parent goes away.
 * @param {NodeJS.Process & { send: NonNullable<NodeJS.Process['send']> }} proc
 */
function serve(proc) {
  /** @type {Map<number, import('node:child_process').ChildProcessWithoutNullStreams>} */
  const sessions = new Map()
  /** @param {object} msg */
  const reply = (msg) => {
    if (proc.connected) proc.send(msg)
  }
  // Ctrl-C reaches the whole process group; the parent decides what to do and may still need git
  // to clean up, so only the parent's departure ends this process.
  proc.on('SIGINT', () => {})
  proc.on('disconnect', () => proc.exit(0))
  proc.on('message', (/** @type {HostMessage} */ msg) => {
    if (!('op' in msg)) {
      void runRequest(msg.req).then((r) => reply({ id: msg.id, reply: r }))
      return
    }
    if (msg.op === 'open') {
      const child = spawn('git', msg.args, { cwd: msg.cwd, env: msg.env, stdio: ['pipe', 'pipe', 'pipe'] })
      sessions.set(msg.sid, child)
      // Output is sent at most once per turn of the event loop: git flushes every reply line, and
      // under a burst a message per line cost more than the work behind it.
      /** @type {Buffer[]} */
      let pending = []
      const flush = () => {
        const out = pending.length === 1 ? pending[0] : Buffer.concat(pending)
        pending = []
        reply({ sid: msg.sid, out })
      }
      child.stdout.on('data', (/** @type {Buffer} */ chunk) => {
        if (pending.push(chunk) === 1) setImmediate(flush)
      })
      child.stderr.on('data', (/** @type {Buffer} */ chunk) => reply({ sid: msg.sid, err: chunk }))
      child.stdin.on('error', () => undefined)
      child.on('error', (error) => reply({ sid: msg.sid, err: Buffer.from(error.message) }))
      child.on('close', (code) => {
        sessions.delete(msg.sid)
        if (pending.length > 0) flush()
        reply({ sid: msg.sid, exit: code ?? -1 })
      })
      return
    }
    const child = sessions.get(msg.sid)
    if (!child) return
    if (msg.op === 'write') child.stdin.write(msg.data)
    else child.stdin.end()
  })
}

if (process.argv[2] === HOST_FLAG && typeof process.send === 'function') {
  serve(/** @type {NodeJS.Process & { send: NonNullable<NodeJS.Process['send']> }} */ (process))
}
