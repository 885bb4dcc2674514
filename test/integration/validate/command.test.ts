import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CommandValidator, CommandValidatorSchema } from '../../../src/config/schema.js'
import { MomentumError } from '../../../src/errors/index.js'
import { runCommandValidator } from '../../../src/validate/command.js'

const py = (name: string, code: string, extra: Partial<CommandValidator> = {}): CommandValidator =>
  CommandValidatorSchema.parse({ name, run: ['python3', '-c', code], ...extra })

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'momentum-cmd-test-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

// Plain process runs; the same validators inside bwrap are covered in bwrap.test.ts.
describe('runCommandValidator (no sandbox)', () => {
  it('passes on exit code 0 with no diagnostics', async () => {
    const r = await runCommandValidator(py('ok', 'print("fine")'), dir, 'none')
    expect(r).toMatchObject({ name: 'ok', ok: true, diagnostics: [] })
  })

  it('fails on a non-zero exit with a summary and the captured output', async () => {
    const r = await runCommandValidator(
      py('tests', 'import sys; print("1 failed"); sys.exit(3)'),
      dir,
      'none',
    )
    expect(r.ok).toBe(false)
    expect(r.diagnostics[0]).toMatch(/exited with code 3$/)
    expect(r.diagnostics[1]).toBe('1 failed')
  })

  it('runs argv without a shell', async () => {
    const r = await runCommandValidator(
      CommandValidatorSchema.parse({
        name: 'echo',
        run: ['python3', '-c', 'import sys; print(sys.argv[1]); sys.exit(1)', '$HOME; rm -rf x'],
      }),
      dir,
      'none',
    )
    expect(r.diagnostics[1]).toBe('$HOME; rm -rf x')
  })

  it('runs in the given directory with a cleared environment', async () => {
    process.env.MOMENTUM_TEST_SECRET = 'hunter2'
    try {
      const code = 'import os, sys; print(os.getcwd()); print(sorted(os.environ)); sys.exit(1)'
      const r = await runCommandValidator(py('env', code), dir, 'none')
      expect(r.diagnostics[1]).toContain(dir)
      expect(r.diagnostics[1]).not.toContain('MOMENTUM_TEST_SECRET')
      expect(r.diagnostics[1]).toContain("'PATH'")
    } finally {
      delete process.env.MOMENTUM_TEST_SECRET
    }
  })

  it('kills a command that runs past its timeout', async () => {
    const r = await runCommandValidator(
      py('slow', 'import time; time.sleep(60)', { timeout_ms: 1500 }),
      dir,
      'none',
    )
    expect(r.ok).toBe(false)
    expect(r.diagnostics[0]).toMatch(/timed out after 1500 ms and was killed$/)
  })

  it('on cancel kills the whole process tree, not just the command', async () => {
    const pidFile = join(dir, 'grandchild.pid')
    const code = `import subprocess, time\np = subprocess.Popen(["sleep", "120"])\nopen(${JSON.stringify(pidFile)}, "w").write(str(p.pid))\ntime.sleep(120)`
    const ac = new AbortController()
    const running = runCommandValidator(py('tree', code), dir, 'none', { signal: ac.signal })
    let pid = ''
    while (pid === '') {
      await new Promise((resolve) => setTimeout(resolve, 50))
      pid = await readFile(pidFile, 'utf8').catch(() => '')
    }
    ac.abort()
    const r = await running
    expect(r).toMatchObject({ ok: false, diagnostics: [expect.stringMatching(/cancelled$/)] })
    // SIGKILL is asynchronous: give the kernel a moment, then the sleeper must be gone (or a zombie).
    let state = 'R'
    for (let i = 0; i < 50 && state !== 'gone' && state !== 'Z'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      state = await readFile(`/proc/${pid}/stat`, 'utf8').then(
        (s) => s.split(') ')[1]?.[0] ?? '?',
        () => 'gone',
      )
    }
    expect(['gone', 'Z']).toContain(state)
  })

  it('returns when the command exits, killing what it left running in the background', async () => {
    const code =
      'import subprocess, sys\nsubprocess.Popen(["sleep", "120"])\nprint("left a sleeper")\nsys.exit(2)'
    const r = await runCommandValidator(py('daemon', code, { timeout_ms: 60_000 }), dir, 'none')
    expect(r.diagnostics).toEqual([expect.stringMatching(/exited with code 2$/), 'left a sleeper'])
  })

  it('truncates huge output in the middle', async () => {
    const code = 'import sys\nfor i in range(200000): print(f"line {i}")\nsys.exit(1)'
    const r = await runCommandValidator(py('loud', code), dir, 'none', { maxOutputBytes: 4096 })
    const out = r.diagnostics[1] ?? ''
    expect(out.startsWith('line 0\n')).toBe(true)
    expect(out.endsWith('line 199999')).toBe(true)
    expect(out).toMatch(/bytes of output omitted/)
    expect(Buffer.byteLength(out)).toBeLessThan(4096 + 100)
  })

  it('reports a missing program as VALIDATOR_UNAVAILABLE', async () => {
    const cmd = CommandValidatorSchema.parse({ name: 'ghost', run: ['momentum-no-such-tool-xyz'] })
    await expect(runCommandValidator(cmd, dir, 'none')).rejects.toSatisfy(
      (e) => e instanceof MomentumError && e.code === 'VALIDATOR_UNAVAILABLE' && e.message.includes('ghost'),
    )
  })
})
