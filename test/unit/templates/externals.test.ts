import { describe, expect, it } from 'vitest'
import { createNodeExternals } from '../../../src/templates/externals.js'

const TABLE = '[tool.pytest.ini_options]\r\naddopts = ["-q"]  # keep quiet\r\ntestpaths = ["tests"]\r\n'

function externalsOver(text: string, reply?: unknown) {
  const made = createNodeExternals({
    text: Buffer.from(text, 'utf8'),
    info: { kind: 'toml_table', name: 'tool.pytest.ini_options' },
    parentOutline: '',
    siblingNames: [],
    ...(reply === undefined ? {} : { askModel: async () => reply }),
  })
  // Scripts call externals with Python values; here they are called the same way, untyped.
  const call = async (name: string, ...args: unknown[]): Promise<unknown> =>
    (made.externals[name] as (...a: unknown[]) => unknown)(...args)
  return { call, state: made.state }
}

describe('host externals', () => {
  it("resolve key paths relative to the node's table, or absolute when they say so", async () => {
    const { call, state } = externalsOver(TABLE)
    expect(await call('toml_get', 'addopts')).toEqual(['-q'])
    expect(await call('toml_get', 'tool.pytest.ini_options.testpaths')).toEqual(['tests'])
    expect(await call('toml_append', 'addopts', '--cov=pkg')).toBe(true)
    expect(await call('toml_append', 'addopts', '--cov=pkg')).toBe(false)
    expect(await call('toml_set', 'tool.coverage.report.fail_under', 80)).toBe(true)
    const text = state.text.toString('utf8')
    // Byte-exact edits: the comment and CRLF line endings survive.
    expect(text).toContain('addopts = ["-q", "--cov=pkg"]  # keep quiet\r\n')
    expect(text).toContain('[tool.coverage.report]\r\nfail_under = 80\r\n')
    expect(state.summary).toEqual([
      'append tool.pytest.ini_options.addopts += "--cov=pkg"',
      'set tool.coverage.report.fail_under',
    ])
  })

  it('refuse an empty key path with the TOML edit error', async () => {
    const { call } = externalsOver(TABLE)
    await expect(call('toml_set', '', 1)).rejects.toMatchObject({
      code: 'TOML_EDIT_FAILED',
    })
  })

  it('check model replies against the reply schema and keep the first model error', async () => {
    const { call, state } = externalsOver('def f():\n    pass\n', { code: '' })
    await expect(call('ask_model', 'write f', 'code')).rejects.toMatchObject({
      code: 'MODEL_REPLY_INVALID',
    })
    expect(state.modelError?.code).toBe('MODEL_REPLY_INVALID')
    await expect(call('ask_model', 'write f', 'nonsense')).rejects.toMatchObject({
      code: 'SCRIPT_EXTERNAL',
    })
    const none = externalsOver('x = 1\n')
    await expect(none.call('ask_model', 'p', 'code')).rejects.toMatchObject({ code: 'MODEL_FAILED' })
  })

  it('propose replaces the working text as well as recording the proposal', async () => {
    const { call, state } = externalsOver('x = 1\n')
    await call('propose', 'x = 2\n')
    expect(state.proposed).toBe('x = 2\n')
    expect(await call('node_text')).toBe('x = 2\n')
  })
})
