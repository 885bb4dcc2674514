import { createServer } from 'node:net'
import { dir } from 'tmp-promise'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_EDIT, DEMO_FILES } from '../../src/demo/scenario.js'
import { type ModelServer, startModelServer } from '../support/model-server.js'
import { makeRepo, type TempRepo } from '../support/repo.js'
import { assertBuilt, cli, configure } from './harness.js'

/** Every bad input ends in one error line, one hint line, a documented exit code and no stack trace. */
function expectOneLineError(res: { code: number | null; stderr: string }, code: string, exit: number): void {
  expect(res.stderr).toMatch(new RegExp(`^git-momentum: error\\[${code}\\]: [^\\n]+\\n {2}hint: [^\\n]+\\n$`))
  expect(res.stderr).not.toMatch(/\n\s+at /)
  expect(res.code).toBe(exit)
}

async function closedPort(): Promise<number> {
  const srv = createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const address = srv.address()
  const port = typeof address === 'object' && address ? address.port : 0
  await new Promise((r) => srv.close(r))
  return port
}

describe('bad input', () => {
  let repo: TempRepo
  let unauthorized: ModelServer
  beforeAll(async () => {
    assertBuilt()
    repo = await makeRepo({ ...DEMO_FILES, 'docs/notes.txt': 'plain text, no agents here\n' })
    unauthorized = await startModelServer({
      respond: () => ({ status: 401, body: { error: { message: 'bad key' } } }),
    })
  })
  afterAll(async () => {
    await unauthorized?.close()
    await repo?.cleanup()
  })

  it('outside a repository', async () => {
    const tmp = await dir({ unsafeCleanup: true })
    try {
      expectOneLineError(await cli(['plan', 'x'], { cwd: tmp.path }), 'NOT_A_REPO', 20)
    } finally {
      await tmp.cleanup()
    }
  })

  it('a repository with no commits', async () => {
    const empty = await makeRepo()
    try {
      expectOneLineError(await cli(['run', 'add a dependency'], { cwd: empty.path }), 'NO_COMMITS', 22)
    } finally {
      await empty.cleanup()
    }
  })

  it('an empty intent', async () => {
    expectOneLineError(await cli(['run', '   ', 'pyproject.toml'], { cwd: repo.path }), 'EMPTY_INTENT', 52)
  })

  it('an unknown run', async () => {
    expectOneLineError(await cli(['log', '20990101-0000-ffff'], { cwd: repo.path }), 'UNKNOWN_RUN', 50)
    expectOneLineError(await cli(['show', 'nope'], { cwd: repo.path }), 'UNKNOWN_RUN', 50)
    expectOneLineError(await cli(['land', 'nope'], { cwd: repo.path }), 'UNKNOWN_RUN', 50)
  })

  it('paths that match nothing', async () => {
    expectOneLineError(await cli(['plan', 'tidy up', 'docs'], { cwd: repo.path }), 'PATHS_MATCH_NOTHING', 15)
  })

  it('a model that is unreachable', async () => {
    configure(repo.path, `http://127.0.0.1:${await closedPort()}/v1`)
    const res = await cli(['run', DEMO_EDIT.intent, 'pyproject.toml'], { cwd: repo.path })
    expectOneLineError(res, 'MODEL_UNREACHABLE', 41)
  })

  it('a model that answers 401', async () => {
    configure(repo.path, unauthorized.url)
    const res = await cli(['run', DEMO_EDIT.intent, 'pyproject.toml'], { cwd: repo.path })
    expectOneLineError(res, 'MODEL_AUTH', 42)
  })

  it('an unknown command is a usage error', async () => {
    const res = await cli(['frobnicate'], { cwd: repo.path })
    expect(res.code).toBe(2)
    expect(res.stderr).toContain('hint:')
  })
})
