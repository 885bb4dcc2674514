import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { type GrailError, isGrailError, loadPym, loadPymSource, runPym } from '../../../src/grail/index.js'

const FIXTURES = join(import.meta.dirname, '../../fixtures/grail/run')

/** Loads an inline script (unknown externals allowed unless a test says otherwise). */
function script(src: string, file = 'inline.pym') {
  return loadPymSource(file, Buffer.from(src), { knownExternals: null })
}

async function failure(p: Promise<unknown>): Promise<GrailError> {
  try {
    await p
  } catch (err) {
    if (isGrailError(err)) return err
    throw err
  }
  throw new Error('expected the run to fail')
}

const HEADER = 'from grail import external, Input\n'

describe('runPym', () => {
  it('runs a Grail-style script with inputs, sync and async externals; the value is the last expression', async () => {
    const s = loadPym(join(FIXTURES, 'basic.pym'))
    const prompts: string[] = []
    const value = await runPym(s, {
      inputs: { intent: 'add a dependency for requests' },
      externals: {
        node_text: () => 'requests = 1',
        ask_model: async (prompt: string, kind: string) => {
          prompts.push(`${kind}:${prompt}`)
          await new Promise((r) => setTimeout(r, 5))
          return { relevance: 0.9, nested: { ok: true } }
        },
      },
    })
    expect(value).toEqual({
      score: 1 / 3,
      reply: { relevance: 0.9, nested: { ok: true } },
      threshold: 0.5,
      tags: ['a', 'b'],
      opt: null,
    })
    expect(prompts).toEqual(['vote:rate: add a dependency for requests'])
  })

  it('uses supplied values over Input defaults, by Input key', async () => {
    const s = script(`${HEADER}n: int = Input("count", default=2)\nn * 10\n`)
    expect(await runPym(s)).toBe(20)
    expect(await runPym(s, { inputs: { count: 5 } })).toBe(50)
  })

  it('validates inputs before running: missing, wrong type, nested containers, Optional', async () => {
    const s = script(
      `${HEADER}from typing import Optional, Any\n` +
        'name: str = Input("name")\n' +
        'tags: list[str] = Input("tags", default=[])\n' +
        'meta: dict[str, int] = Input("meta", default={})\n' +
        'note: Optional[str] = Input("note", default=None)\n' +
        'blob: Any = Input("blob", default=None)\n' +
        '[name, tags, meta, note, blob]\n',
    )
    const missing = await failure(runPym(s, { inputs: {} }))
    expect(missing.code).toBe('SCRIPT_INPUT')
    expect(missing.data).toMatchObject({ grail: 'InputError', script: 'inline.pym', line: 3, input: 'name' })
    const wrong = await failure(runPym(s, { inputs: { name: 3 } }))
    expect(wrong.message).toContain("input 'name' must be str, got int")
    const badItem = await failure(runPym(s, { inputs: { name: 'x', tags: ['a', 1] } }))
    expect(badItem.message).toContain('must be list[str], got list')
    const badDict = await failure(runPym(s, { inputs: { name: 'x', meta: { a: 'b' } } }))
    expect(badDict.data.input).toBe('meta')
    const ok = await runPym(s, {
      inputs: { name: 'x', tags: ['a'], meta: { a: 1 }, note: null, blob: { k: [1] } },
    })
    expect(ok).toEqual(['x', ['a'], { a: 1 }, null, { k: [1] }])
  })

  it('raises ExternalError naming the external, script and line for wrong argument types', async () => {
    const s = script(
      `${HEADER}\n\n@external\ndef toml_set(key_path: str, value: int) -> bool:\n    ...\n\n\nx = 1\nok = toml_set("a.b", 1)\nbad = toml_set(42, 1)\n`,
      'set.pym',
    )
    const calls: unknown[][] = []
    const err = await failure(
      runPym(s, {
        externals: {
          toml_set: (k: string, v: number) => {
            calls.push([k, v])
            return true
          },
        },
      }),
    )
    expect(err.code).toBe('SCRIPT_EXTERNAL')
    expect(err.data).toMatchObject({
      grail: 'ExternalError',
      script: 'set.pym',
      line: 11,
      external: 'toml_set',
    })
    expect(err.message).toContain("argument 'key_path' must be str, got int")
    expect(calls).toEqual([['a.b', 1]])
  })

  it('fails a run even when the script catches the argument-type error', async () => {
    const s = script(
      `${HEADER}\n\n@external\ndef log(message: str) -> None:\n    ...\n\n\ntry:\n    log(1)\nexcept TypeError:\n    pass\n1\n`,
    )
    const err = await failure(runPym(s, { externals: { log: () => undefined } }))
    expect(err.data.grail).toBe('ExternalError')
  })

  it('binds keyword arguments, literal defaults, *args and **kwargs; reports arity errors with the line', async () => {
    const s = script(
      `${HEADER}\n\n@external\ndef f(a: str, b: int = 2, *rest: int, c: bool = False, **kw: str) -> list:\n    ...\n\n\n` +
        'x = f("a", c=True)\ny = f("a", 3, 4, 5, k="v")\n[x, y]\n',
    )
    const value = await runPym(s, { externals: { f: (...args: unknown[]) => args } })
    expect(value).toEqual([
      ['a', 2, [], true, {}],
      ['a', 3, [4, 5], false, { k: 'v' }],
    ])
    const arity = script(`${HEADER}\n\n@external\ndef g(a: str) -> None:\n    ...\n\n\nz = 0\ng()\n`)
    const err = await failure(runPym(arity, { externals: { g: () => null } }))
    expect(err.data).toMatchObject({ grail: 'ExternalError', line: 10 })
    expect(err.message).toContain("missing required argument 'a'")
  })

  it('passes a JS exception from an external into the script as a Python exception', async () => {
    const s = script(
      `${HEADER}\n\n@external\ndef toml_get(key_path: str) -> str:\n    ...\n\n\ntry:\n    v = toml_get("x")\nexcept RuntimeError as e:\n    v = "caught: " + str(e)\nv\n`,
    )
    const value = await runPym(s, {
      externals: {
        toml_get: () => {
          throw new RangeError('no such key')
        },
      },
    })
    expect(value).toBe('caught: RangeError: no such key')
  })

  it('maps an unhandled host error to ExternalError (cause kept) and a ValueError to a Python ValueError', async () => {
    const s = script(
      `${HEADER}\n\n@external\nasync def ask_model(prompt: str, reply_kind: str) -> dict:\n    ...\n\n\nr = await ask_model("p", "k")\n`,
    )
    const cause = Object.assign(new Error('model down'), { code: 'MODEL_UNREACHABLE' })
    const err = await failure(
      runPym(s, {
        externals: {
          ask_model: async () => {
            throw cause
          },
        },
      }),
    )
    expect(err.data).toMatchObject({ grail: 'ExternalError', line: 9, external: 'ask_model' })
    expect(err.message).toContain('MODEL_UNREACHABLE: model down')
    expect(err.cause).toBe(cause)
    const caught = script(
      `${HEADER}\n\n@external\ndef log(message: str) -> None:\n    ...\n\n\ntry:\n    log("x")\n    r = "no"\nexcept ValueError:\n    r = "yes"\nr\n`,
    )
    expect(
      await runPym(caught, {
        externals: {
          log: () => {
            throw Object.assign(new Error('nope'), { name: 'ValueError' })
          },
        },
      }),
    ).toBe('yes')
  })

  it('rejects a host value that does not match the declared return type', async () => {
    const s = script(`${HEADER}\n\n@external\ndef node_text() -> str:\n    ...\n\n\nx = node_text()\n`)
    const err = await failure(runPym(s, { externals: { node_text: () => 42 } }))
    expect(err.data).toMatchObject({ grail: 'ExternalError', line: 9 })
    expect(err.message).toContain('returned int, declared str')
  })

  it('requires an implementation for every declared external before running', async () => {
    const s = script(`${HEADER}\n\n@external\ndef node_text() -> str:\n    ...\n\n\nnode_text()\n`)
    const err = await failure(runPym(s, { externals: {} }))
    expect(err.data).toMatchObject({ grail: 'ExternalError', line: 5, external: 'node_text' })
  })

  it('does not let the script call host functions it did not declare', async () => {
    const s = script('x = 1\nnode_text()\n')
    const err = await failure(runPym(s, { externals: { node_text: () => 'secret' } }))
    expect(err.data).toMatchObject({ grail: 'ExecutionError', line: 2, pythonType: 'NameError' })
    expect(err.message).toContain("name 'node_text' is not defined")
  })

  it('does not count time spent waiting for an async external against the time limit', async () => {
    const s = script(
      `${HEADER}\n\n@external\nasync def ask_model(prompt: str, reply_kind: str) -> dict:\n    ...\n\n\na = await ask_model("1", "k")\nb = await ask_model("2", "k")\n[a, b]\n`,
    )
    const slow = async () => {
      await new Promise((r) => setTimeout(r, 400))
      return { ok: 1 }
    }
    expect(await runPym(s, { limits: 'strict', externals: { ask_model: slow } })).toEqual([
      { ok: 1 },
      { ok: 1 },
    ])
  })

  it('checks the output against a declared schema', async () => {
    const s = script('{"relevance": 1.5}\n', 'vote.pym')
    const schema = z.object({ relevance: z.number().min(0).max(1) })
    const err = await failure(runPym(s, { output: schema }))
    expect(err.code).toBe('SCRIPT_OUTPUT')
    expect(err.data).toMatchObject({ grail: 'OutputError', script: 'vote.pym' })
    const good = script('{"relevance": 0.25}\n')
    const value: { relevance: number } = await runPym(good, { output: schema })
    expect(value.relevance).toBe(0.25)
  })

  it('captures print output instead of writing to stdout', async () => {
    const lines: string[] = []
    await runPym(script('print("hello")\n1\n'), { onPrint: (t) => lines.push(t) })
    expect(lines.join('')).toBe('hello\n')
  })

  it('runs a cached script many times with independent state', async () => {
    const s = script(
      `${HEADER}n: int = Input("n")\nacc = []\nfor i in range(n):\n    acc.append(i)\nlen(acc)\n`,
    )
    expect(await runPym(s, { inputs: { n: 3 } })).toBe(3)
    expect(await runPym(s, { inputs: { n: 5 } })).toBe(5)
  })
})
