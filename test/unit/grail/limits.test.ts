import { describe, expect, it } from 'vitest'
import {
  type GrailError,
  isGrailError,
  LIMIT_PRESETS,
  type LimitPreset,
  loadPymSource,
  runPym,
} from '../../../src/grail/index.js'

async function failure(p: Promise<unknown>): Promise<GrailError> {
  try {
    await p
  } catch (err) {
    if (isGrailError(err)) return err
    throw err
  }
  throw new Error('expected the run to fail')
}

// Declarations first so the offending lines sit below stripped ones: line numbers must survive stripping.
const PRELUDE = 'from grail import external, Input\n\nn: int = Input("n", default=1)\n\n\n'

const CASES = {
  loop: { src: `${PRELUDE}i = 0\nwhile n > 0:\n    i = i + 1\ni\n`, line: 8, limit: 'time' },
  memory: {
    src: `${PRELUDE}blob = []\nwhile True:\n    blob.append("x" * 4096)\n`,
    line: 8,
    limit: 'memory',
  },
  recursion: {
    src: `${PRELUDE}def down(k):\n    return down(k + 1)\n\n\ndown(n)\n`,
    line: 7,
    limit: 'recursion',
  },
} as const

describe('limit presets', () => {
  for (const preset of Object.keys(LIMIT_PRESETS) as LimitPreset[]) {
    for (const [name, c] of Object.entries(CASES)) {
      it(`${preset}: stops ${name} with a LimitError naming the script and line`, async () => {
        const script = loadPymSource(`bomb-${name}.pym`, Buffer.from(c.src))
        const err = await failure(runPym(script, { limits: preset }))
        expect(err.code).toBe('SCRIPT_LIMIT')
        expect(err.data).toMatchObject({
          grail: 'LimitError',
          script: `bomb-${name}.pym`,
          line: c.line,
          limit: c.limit,
        })
        expect(err.message).toContain(`bomb-${name}.pym:${c.line}`)
        // a timed-out run is replayed once to find its line, so it takes twice the preset's time
      }, 40_000)
    }
  }

  it('the recursion limit follows the preset', async () => {
    const src = 'def depth(k):\n    return depth(k + 1) if k < 150 else k\n\n\ndepth(0)\n'
    const script = loadPymSource('depth.pym', Buffer.from(src))
    expect((await failure(runPym(script, { limits: 'strict' }))).data.limit).toBe('recursion')
    expect(await runPym(script, { limits: 'default' })).toBe(150)
  })

  it('the memory limit follows the preset', async () => {
    const script = loadPymSource('mem.pym', Buffer.from('s = "x" * (20 * 1024 * 1024)\nlen(s)\n'))
    expect((await failure(runPym(script, { limits: 'default' }))).data.limit).toBe('memory')
    expect(await runPym(script, { limits: 'permissive' })).toBe(20 * 1024 * 1024)
  })

  it('names the line of a timed-out loop inside a function called after host calls', async () => {
    const src =
      'from grail import external\n\n\n@external\ndef log(message: str) -> None:\n    ...\n\n\n' +
      'def spin(x):\n    while x >= 0:\n        x = x + 1\n    return x\n\n\nlog("start")\nspin(1)\n'
    const calls: string[] = []
    const script = loadPymSource('spin.pym', Buffer.from(src))
    const err = await failure(
      runPym(script, { limits: 'strict', externals: { log: (m: string) => void calls.push(m) } }),
    )
    expect(err.data).toMatchObject({ grail: 'LimitError', limit: 'time', line: 11 })
    // the replay that finds the line answers host calls from the recording: log ran once
    expect(calls).toEqual(['start'])
  })
})
