import { afterEach, describe, expect, it } from 'vitest'
import { readRunRecord, resumeRun, startRun } from '../../../src/agents/index.js'
import type { RunEvent } from '../../../src/agents/types.js'
import { Git } from '../../../src/git/git.js'
import { type ModelServer, startModelServer } from '../../support/model-server.js'
import { makeRepo, type TempRepo } from '../../support/repo.js'
import { json, methodOf, replyKind, testConfig, userText } from './helpers.js'

const code = (name: string): string => `def ${name}(self) -> str:\n    return "${name}"\n`

describe('cancellation and resume', () => {
  let repo: TempRepo | null = null
  const servers: ModelServer[] = []
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close()
    await repo?.cleanup()
    repo = null
  }, 300_000)

  it('an aborted run is interrupted and resumable; resume reuses committed agents without a model call', async () => {
    repo = await makeRepo({ 'README.md': '# x\n' })
    const first = await startModelServer({
      respond: (req) => {
        const name = methodOf(userText(req))
        return name === 'slow' ? { hang: true } : json({ code: code(name) })
      },
    })
    servers.push(first)
    const ac = new AbortController()
    let committed = 0
    const onEvent = (e: RunEvent): void => {
      if (e.type === 'agent' && e.kind === 'method' && e.state === 'merging' && ++committed === 2) ac.abort()
    }
    const gen = {
      path: 'pkg/greeter.py',
      template: 'python-class',
      vars: { class_name: 'Greeter', methods: 'hello,bye,slow' },
    }
    const interrupted = await startRun({
      cwd: repo.path,
      intent: '',
      scope: [],
      config: testConfig(first.url),
      signal: ac.signal,
      onEvent,
      generate: gen,
    })
    expect(interrupted.status).toBe('interrupted')
    expect(interrupted.resultBranch).toBeNull()
    expect(interrupted.record.hint).toContain(`git momentum resume ${interrupted.runId}`)
    const git = await Git.open(repo.path)
    const saved = await readRunRecord(git, interrupted.runId)
    expect(saved.status).toBe('interrupted')
    const done = saved.agents.filter((a) => a.node.kind === 'method' && a.head).map((a) => a.node.name)
    expect(done.sort()).toEqual(['bye', 'hello'])

    const second = await startModelServer({
      respond: (req) =>
        replyKind(req) === 'code' ? json({ code: code(methodOf(userText(req))) }) : json({}),
    })
    servers.push(second)
    const events: RunEvent[] = []
    const resumed = await resumeRun({
      cwd: repo.path,
      runId: interrupted.runId,
      config: testConfig(second.url),
      onEvent: (e) => events.push(e),
    })
    expect(resumed.status).toBe('ok')
    // Only the agent that had not committed asked the model again.
    expect(second.requests.map((r) => methodOf(userText(r)))).toEqual(['slow'])
    const reused = events
      .filter((e) => e.type === 'agent' && e.state === 'reused')
      .map((e) => (e.type === 'agent' ? e.name : ''))
    expect(reused.sort()).toEqual(['bye', 'hello'])
    const text = repo.git('show', `${resumed.resultCommit}:pkg/greeter.py`)
    for (const name of ['hello', 'bye', 'slow']) expect(text).toContain(`    def ${name}(self) -> str:`)
    expect(resumed.record.resumes).toBe(1)
    // The record's history is a chain of commits on the run ref.
    expect(Number(repo.git('rev-list', '--count', `refs/momentum/runs/${resumed.runId}`))).toBeGreaterThan(2)
    await expect(
      resumeRun({ cwd: repo.path, runId: resumed.runId, config: testConfig(second.url) }),
    ).rejects.toMatchObject({
      code: 'RUN_NOT_RESUMABLE',
    })
    await expect(readRunRecord(git, '20990101-0000-abcd')).rejects.toMatchObject({ code: 'UNKNOWN_RUN' })
  }, 300_000)
})
