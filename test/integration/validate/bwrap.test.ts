import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CommandValidatorSchema } from '../../../src/config/schema.js'
import { runCommandValidator } from '../../../src/validate/command.js'
import { detectSandbox } from '../../../src/validate/sandbox.js'

// CI (.ci/run) installs bubblewrap, so these run there; elsewhere they skip with the probe's reason.
const sandbox = await detectSandbox('auto')
const skipReason = sandbox.kind === 'bwrap' ? null : `bubblewrap unavailable: ${sandbox.warning ?? ''}`
const py = (name: string, code: string, timeout_ms = 60_000) =>
  CommandValidatorSchema.parse({ name, run: ['python3', '-c', code], timeout_ms })

let server: Server
let port = 0
let sandboxDir: string
let outsideDir: string

beforeAll(async () => {
  sandboxDir = await mkdtemp(join(tmpdir(), 'momentum-bwrap-sbx-'))
  outsideDir = await mkdtemp(join(tmpdir(), 'momentum-bwrap-out-'))
  server = createServer((socket) => socket.end('hello\n'))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  port = typeof address === 'object' && address !== null ? address.port : 0
})
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
  await rm(sandboxDir, { recursive: true, force: true })
  await rm(outsideDir, { recursive: true, force: true })
})

describe.skipIf(skipReason !== null)(`bubblewrap sandbox ${skipReason ?? ''}`, () => {
  const connect = () =>
    `import socket\ns = socket.create_connection(("127.0.0.1", ${port}), timeout=5)\nprint(s.recv(16).decode().strip())`

  it('the probe finds a working bwrap', async () => {
    expect(await detectSandbox('bwrap')).toMatchObject({ kind: 'bwrap' })
  })

  it('blocks the network inside, while the same command reaches the server outside', async () => {
    const outside = await runCommandValidator(py('net', connect()), sandboxDir, 'none')
    expect(outside).toMatchObject({ ok: true })
    const inside = await runCommandValidator(py('net', connect()), sandboxDir, 'bwrap')
    expect(inside.ok).toBe(false)
    expect(inside.diagnostics[1]).toMatch(/ConnectionRefusedError|Network is unreachable|OSError/)
  })

  it('lets the command write in the sandbox dir but nowhere else', async () => {
    const target = join(outsideDir, 'escaped.txt')
    const code = `open("inside.txt", "w").write("ok")\nopen(${JSON.stringify(target)}, "w").write("escaped")`
    const r = await runCommandValidator(py('write', code), sandboxDir, 'bwrap')
    expect(r.ok).toBe(false)
    expect(r.diagnostics[1]).toMatch(/Read-only file system|Permission denied|No such file/)
    expect(await readFile(join(sandboxDir, 'inside.txt'), 'utf8')).toBe('ok')
    await expect(stat(target)).rejects.toThrow()
  })

  it('cannot write to the home directory or the project', async () => {
    const code = `import os\nfor d in [os.path.expanduser("~"), ${JSON.stringify(process.cwd())}]:\n    try:\n        open(os.path.join(d, ".momentum-escape"), "w")\n        print("wrote", d)\n    except OSError as e:\n        print("blocked", e.errno)`
    const r = await runCommandValidator(py('home', `${code}\nraise SystemExit(1)`), sandboxDir, 'bwrap')
    expect(r.diagnostics[1]?.split('\n').every((line) => line.startsWith('blocked'))).toBe(true)
  })

  it('gives the command a private /tmp', async () => {
    const code = `import os\nopen("/tmp/momentum-private-probe", "w").write("x")\nprint(sorted(os.listdir("/tmp")))\nraise SystemExit(1)`
    const r = await runCommandValidator(py('tmp', code), sandboxDir, 'bwrap')
    expect(r.diagnostics[1]).toContain('momentum-private-probe')
    await expect(stat('/tmp/momentum-private-probe')).rejects.toThrow()
  })

  it('kills a sandboxed command that times out', async () => {
    const r = await runCommandValidator(py('slow', 'import time; time.sleep(60)', 1500), sandboxDir, 'bwrap')
    expect(r.ok).toBe(false)
    expect(r.diagnostics[0]).toMatch(/timed out after 1500 ms/)
  })
})
