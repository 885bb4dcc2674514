import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunRecord, RunRecordSchema } from '../../src/agents/schema.js'
import { RunJsonSchema } from '../../src/cli/run-driver.js'
import { DEMO_EDIT, DEMO_FILES, DEMO_GENERATE } from '../../src/demo/scenario.js'
import { demoRespond } from '../support/demo-responder.js'
import { type ModelServer, startModelServer } from '../support/model-server.js'
import { makeRepo, type TempRepo } from '../support/repo.js'
import { assertBuilt, cli, configure, startCli } from './harness.js'

const GENERATE_ARGS = [
  'generate',
  DEMO_GENERATE.path,
  '--template',
  DEMO_GENERATE.template,
  '--intent',
  DEMO_GENERATE.intent,
  ...Object.entries(DEMO_GENERATE.vars).flatMap(([k, v]) => ['--set', `${k}=${v}`]),
]

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function readRecord(repo: TempRepo): RunRecord | null {
  const ref = repo.git('for-each-ref', '--format=%(refname)', 'refs/momentum/runs/')
  if (ref === '') return null
  return RunRecordSchema.parse(JSON.parse(repo.git('show', `${ref.split('\n')[0]}:run.json`)))
}

async function waitFor<T>(probe: () => T | null, what: string, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs
  while (Date.now() < until) {
    const v = probe()
    if (v !== null) return v
    await sleep(50)
  }
  throw new Error(`timed out waiting for ${what}`)
}

function methodsAsked(server: ModelServer, from: number): string[] {
  return server.requests
    .slice(from)
    .map((r) => /The (?:method|function) `([^`]+)`/.exec(r.messages.map((m) => m.content).join('\n'))?.[1])
    .filter((n): n is string => n !== undefined)
}

describe('interrupted runs', () => {
  let server: ModelServer
  const repos: TempRepo[] = []
  const fresh = async (extra = ''): Promise<TempRepo> => {
    const repo = await makeRepo(DEMO_FILES)
    configure(repo.path, server.url, extra)
    repo.commitAll('configure')
    repos.push(repo)
    return repo
  }
  beforeAll(async () => {
    assertBuilt()
    server = await startModelServer({ respond: demoRespond, latencyMs: 400 })
  })
  afterAll(async () => {
    await server?.close()
    for (const r of repos) await r.cleanup()
  })

  it('SIGKILL midway, then resume: same tree, committed agents not re-run, nothing left after gc', async () => {
    // One model request at a time, so method agents commit one after another and a kill lands between
    // them. The reference is the same generation in an identical repo, uninterrupted.
    const ref = await fresh('concurrency = 1')
    const done = await cli([...GENERATE_ARGS, '--json'], { cwd: ref.path })
    expect(done.code).toBe(0)
    const refCommit = RunJsonSchema.parse(JSON.parse(done.stdout)).resultCommit
    const wantTree = ref.git('rev-parse', `${refCommit}^{tree}`)

    const repo = await fresh('concurrency = 1')
    const run = startCli(GENERATE_ARGS, { cwd: repo.path })
    const committed = await waitFor(() => {
      const rec = readRecord(repo)
      const leaves =
        rec?.agents.filter((a) => a.children.length === 0 && a.head !== null && a.status !== 'failed') ?? []
      return leaves.length >= 1 ? leaves : null
    }, 'a method agent to commit')
    run.child.kill('SIGKILL')
    const killed = await run.done
    expect(killed.signal).toBe('SIGKILL')
    const before = readRecord(repo)!
    expect(before.status).not.toBe('ok')
    const asked = server.requests.length

    const resumed = await cli(['resume', before.runId], { cwd: repo.path })
    expect(resumed.stderr).toBe('')
    expect(resumed.code).toBe(0)
    const after = readRecord(repo)!
    expect(after.status).toBe('ok')
    expect(repo.git('rev-parse', `${after.resultCommit}^{tree}`)).toBe(wantTree)
    const again = methodsAsked(server, asked)
    for (const a of committed) expect(again).not.toContain(a.node.name)
    expect(again.length).toBeGreaterThan(0)

    const gc = await cli(['gc', '--all'], { cwd: repo.path })
    expect(gc.code).toBe(0)
    expect(repo.git('worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1)
    expect(repo.git('for-each-ref', 'refs/heads/momentum/', 'refs/momentum/')).toBe('')
  }, 400_000)

  it('Ctrl-C leaves a resumable run, says how to resume it, and exits 130', async () => {
    const repo = await fresh()
    const from = server.requests.length
    const run = startCli(['run', DEMO_EDIT.intent, 'pyproject.toml'], { cwd: repo.path })
    await waitFor(() => (server.requests.length > from ? true : null), 'the first model request')
    run.child.kill('SIGINT')
    const res = await run.done
    expect(res.code).toBe(130)
    const runId = readRecord(repo)?.runId ?? ''
    expect(`${res.stdout}${res.stderr}`).toContain(`git momentum resume ${runId}`)
    expect(res.stderr).not.toMatch(/\n\s+at /)
    const resumed = await cli(['resume', runId], { cwd: repo.path })
    expect(resumed.code).toBe(0)
    expect(readRecord(repo)?.status).toBe('ok')
  })
})
