import { describe, expect, it } from 'vitest'
import { MomentumError } from '../../../src/errors/index.js'
import { OutputCapture } from '../../../src/validate/process.js'
import { bwrapArgv, detectSandbox, validationEnv } from '../../../src/validate/sandbox.js'

describe('bwrapArgv', () => {
  const argv = bwrapArgv('/usr/bin/bwrap', '/tmp/sbx', ['python3', '-m', 'pytest'], ['/tmp/cfg'])

  it('isolates network, pids and capabilities and dies with its parent', () => {
    for (const flag of ['--unshare-net', '--unshare-pid', '--die-with-parent', '--new-session']) {
      expect(argv).toContain(flag)
    }
    expect(argv.join(' ')).toContain('--cap-drop ALL')
    expect(argv.join(' ')).toContain('--dev /dev --proc /proc')
  })

  it('mounts / read-only, then a private /tmp, then the sandbox read-write on top', () => {
    const at = (...seq: string[]): number => argv.findIndex((_, i) => seq.every((s, j) => argv[i + j] === s))
    const root = at('--ro-bind', '/', '/')
    const tmp = at('--tmpfs', '/tmp')
    const cfg = at('--ro-bind', '/tmp/cfg', '/tmp/cfg')
    const dir = at('--bind', '/tmp/sbx', '/tmp/sbx')
    expect(root).toBeGreaterThan(0)
    expect(tmp).toBeGreaterThan(root)
    expect(cfg).toBeGreaterThan(tmp)
    expect(dir).toBeGreaterThan(tmp)
    expect(argv.filter((a) => a === '--bind')).toHaveLength(1)
  })

  it('runs the command as argv after `--`, in the sandbox dir', () => {
    expect(argv[0]).toBe('/usr/bin/bwrap')
    expect(argv.slice(-4)).toEqual(['--', 'python3', '-m', 'pytest'])
    expect(argv.join(' ')).toContain('--chdir /tmp/sbx --')
  })
})

describe('validationEnv', () => {
  it('passes PATH, HOME and LANG and nothing secret', () => {
    const env = validationEnv()
    expect(Object.keys(env).sort()).toEqual(['HOME', 'LANG', 'PATH', 'PYTHONDONTWRITEBYTECODE'])
    expect(env.PATH).toBe(process.env.PATH)
  })
})

describe('detectSandbox without a usable bwrap', () => {
  const missing = { bwrapPath: '/nonexistent/momentum/bwrap' }

  it('mode none never probes', async () => {
    expect(await detectSandbox('none', missing)).toEqual({ kind: 'none' })
  })

  it('mode auto falls back with one clear warning', async () => {
    const info = await detectSandbox('auto', missing)
    expect(info.kind).toBe('none')
    expect(info.warning).toMatch(/WITHOUT a sandbox/)
    expect(info.warning).toContain('/nonexistent/momentum/bwrap')
    expect(info.warning?.split('\n')).toHaveLength(1)
  })

  it('mode bwrap fails with VALIDATOR_UNAVAILABLE', async () => {
    await expect(detectSandbox('bwrap', missing)).rejects.toSatisfy(
      (err) => err instanceof MomentumError && err.code === 'VALIDATOR_UNAVAILABLE',
    )
  })
})

describe('OutputCapture', () => {
  it('keeps short output whole', () => {
    const cap = new OutputCapture(100)
    cap.push(Buffer.from('hello '))
    cap.push(Buffer.from('world'))
    expect(cap.text()).toBe('hello world')
  })

  it('keeps the head and the tail of long output and says how much was dropped', () => {
    const cap = new OutputCapture(400)
    for (let i = 0; i < 1000; i++) cap.push(Buffer.from(`line ${String(i).padStart(4, '0')}\n`))
    const text = cap.text()
    expect(text.startsWith('line 0000\n')).toBe(true)
    expect(text.endsWith('line 0999\n')).toBe(true)
    const dropped = Number(/\[(\d+) bytes of output omitted\]/.exec(text)?.[1])
    expect(dropped).toBe(10_000 - 400)
    expect(text).not.toContain('line 0500')
  })

  it('handles one chunk larger than the whole cap', () => {
    const cap = new OutputCapture(40)
    cap.push(Buffer.from(`${'a'.repeat(100)}${'z'.repeat(100)}`))
    const text = cap.text()
    expect(text.startsWith('a'.repeat(10))).toBe(true)
    expect(text.endsWith('z'.repeat(30))).toBe(true)
    expect(text).toContain('[160 bytes of output omitted]')
  })
})
