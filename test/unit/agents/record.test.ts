import { describe, expect, it } from 'vitest'
import { isRunId, newRunId } from '../../../src/agents/run-id.js'
import { RunLog } from '../../../src/agents/run-log.js'
import { type AstAgent, AstAgentSchema, type RunRecord, RunRecordSchema } from '../../../src/agents/schema.js'
import type { RunEvent } from '../../../src/agents/types.js'

function agent(id: string, parentId: string | null, children: string[] = []): AstAgent {
  return {
    id,
    node: { id, kind: parentId ? 'toml_table' : 'file', name: id, path: 'pyproject.toml', lang: 'toml' },
    range: { path: 'pyproject.toml', start: 0, end: parentId ? 0 : 120 },
    base: 'a'.repeat(40),
    insertion: parentId !== null,
    parentId,
    children,
    sandbox: null,
    template: 'pyproject',
    block: parentId ? 'tests' : null,
    script: parentId ? 'pyproject/tests.pym' : null,
    status: 'pending',
    attempts: [],
    votes: null,
    validations: [],
    tokens: { prompt: 0, completion: 0 },
    timings: {},
    head: null,
    error: null,
  }
}

function record(): RunRecord {
  return {
    version: 1,
    runId: '20261125-1203-a1b2',
    intent: 'add a dependency for requests',
    scope: ['pyproject.toml'],
    base: 'a'.repeat(40),
    dirty: false,
    startedAt: '2026-11-25T12:03:00.000Z',
    finishedAt: null,
    status: 'running',
    hint: null,
    configDigest: 'abc',
    threshold: 0.5,
    model: 'test-model',
    tokens: { prompt: 0, completion: 0 },
    generate: null,
    resultBranch: null,
    resultCommit: null,
    rootId: 'pyproject.toml',
    resumes: 0,
    agents: [
      agent('pyproject.toml', null, ['pyproject.toml::tests']),
      agent('pyproject.toml::tests', 'pyproject.toml'),
    ],
  }
}

describe('run record', () => {
  it('round-trips through JSON and the schema unchanged', () => {
    const r = record()
    r.agents[1]!.attempts.push({
      n: 1,
      phase: 'self',
      commit: 'b'.repeat(40),
      reply: 'set addopts',
      validations: [{ name: 'toml', ok: true, diagnostics: [], durationMs: 2 }],
    })
    r.agents[1]!.votes = { score: 0.8, threshold: 0.5, acted: true, source: 'script' }
    const back = RunRecordSchema.parse(JSON.parse(JSON.stringify(r)))
    expect(back).toEqual(r)
  })

  it('rejects a record with a bad state, run id or negative range', () => {
    const bad = JSON.parse(JSON.stringify(record())) as Record<string, unknown>
    expect(RunRecordSchema.safeParse({ ...bad, runId: '../x' }).success).toBe(false)
    const a = agent('x', null)
    expect(AstAgentSchema.safeParse({ ...a, status: 'dancing' }).success).toBe(false)
    expect(AstAgentSchema.safeParse({ ...a, range: { path: 'x', start: -1, end: 0 } }).success).toBe(false)
  })

  it('makes run ids of the documented shape', () => {
    const id = newRunId(new Date('2026-11-25T12:03:09Z'), () => 'beef')
    expect(id).toBe('20261125-1203-beef')
    expect(isRunId(id)).toBe(true)
    expect(isRunId(newRunId())).toBe(true)
    expect(isRunId('20261125-1203-beef/../x')).toBe(false)
  })
})

describe('RunLog', () => {
  it('serialises writes: never two in flight, and the last state always lands', async () => {
    let inFlight = 0
    let peak = 0
    const written: string[] = []
    const release: Array<() => void> = []
    const log = new RunLog(record(), async (r) => {
      inFlight++
      peak = Math.max(peak, inFlight)
      await new Promise<void>((resolve) => release.push(resolve))
      written.push(r.agents[1]!.status)
      inFlight--
    })
    log.set('pyproject.toml::tests', 'generating', { save: true })
    log.set('pyproject.toml::tests', 'validating', { save: true })
    log.set('pyproject.toml::tests', 'merged', { save: true })
    const flushed = log.flush()
    while (written.length === 0 || inFlight > 0 || release.length > 0) {
      const r = release.shift()
      if (r) r()
      await new Promise((resolve) => setImmediate(resolve))
      if (written.at(-1) === 'merged' && release.length === 0 && inFlight === 0) break
    }
    await flushed
    expect(peak).toBe(1)
    // The first write took the state of its moment; the coalesced follow-up took the final one.
    expect(written[0]).toBe('generating')
    expect(written.at(-1)).toBe('merged')
    expect(written.length).toBeLessThanOrEqual(2)
  })

  it('emits one agent event per transition with the vote score', () => {
    const events: RunEvent[] = []
    const log = new RunLog(
      record(),
      async () => {},
      (e) => events.push(e),
    )
    log.agent('pyproject.toml::tests').votes = { score: 0.7, threshold: 0.5, acted: true, source: 'script' }
    log.set('pyproject.toml::tests', 'generating', { attempt: 1 })
    expect(events).toEqual([
      {
        type: 'agent',
        agentId: 'pyproject.toml::tests',
        parentId: 'pyproject.toml',
        kind: 'toml_table',
        name: 'pyproject.toml::tests',
        state: 'generating',
        score: 0.7,
        attempt: 1,
      },
    ])
    expect(log.agent('pyproject.toml::tests').timings.startedAt).toBeDefined()
  })

  it('coalesces a burst of saves into one write when asked to wait', async () => {
    const written: string[] = []
    const log = new RunLog(
      record(),
      async (r) => void written.push(r.agents[1]!.status),
      () => {},
      20,
    )
    log.set('pyproject.toml::tests', 'generating', { save: true })
    log.set('pyproject.toml::tests', 'validating', { save: true })
    log.set('pyproject.toml::tests', 'merged', { save: true })
    await log.flush()
    expect(written).toEqual(['merged'])
  })

  it('writes at once on flush, even in the middle of a coalescing wait', async () => {
    const written: string[] = []
    // An hour's wait: were flush to sit it out, this test would time out.
    const log = new RunLog(
      record(),
      async (r) => void written.push(r.agents[1]!.status),
      () => {},
      3_600_000,
    )
    log.set('pyproject.toml::tests', 'generating', { save: true })
    await new Promise((resolve) => setImmediate(resolve))
    log.set('pyproject.toml::tests', 'merged', { save: true })
    await log.flush()
    expect(written).toEqual(['merged'])
  })

  it('surfaces a failed write from flush', async () => {
    const log = new RunLog(record(), async () => Promise.reject(new Error('disk full')))
    await expect(log.flush()).rejects.toThrow('disk full')
  })
})
