import { afterEach, describe, expect, it } from 'vitest'
import { startRun } from '../../../src/agents/index.js'
import type { ServerReply } from '../../support/model-server.js'
import { type ModelServer, startModelServer } from '../../support/model-server.js'
import { makeRepo, type TempRepo } from '../../support/repo.js'
import { json, replyKind, snapshotUserState, testConfig, userText } from './helpers.js'

const good = (name: string): ServerReply =>
  json({ code: `def ${name}(self) -> int:\n    return ${name.length}\n` })

/**
 * Per method, the replies in order: `heals` first sends prose (MODEL_REPLY_INVALID), `lints` first
 * sends code Ruff rejects (F841), `never` never sends valid JSON, `flaky` and `limited` hit the
 * retry layer (500, 429 + Retry-After) before a good answer,.
 */
const SCRIPTS: Record<string, (n: number) => ServerReply> = {
  heals: (n) => (n === 0 ? { content: 'Sure! Here is the method you asked for.' } : good('heals')),
  lints: (n) =>
    n === 0 ? json({ code: 'def lints(self) -> int:\n    unused = 1\n    return 2\n' }) : good('lints'),
  never: () => ({ content: 'I cannot do that.' }),
  flaky: (n) => (n === 0 ? { status: 500, body: { error: { message: 'boom' } } } : good('flaky')),
  limited: (n) =>
    n === 0
      ? { status: 429, body: { error: { message: 'slow down' } }, headers: { 'retry-after': '0' } }
      : good('limited'),
}

describe('healing and failure', () => {
  let repo: TempRepo | null = null
  let server: ModelServer | null = null
  afterEach(async () => {
    await server?.close()
    await repo?.cleanup()
    server = null
    repo = null
  }, 300_000)

  it('heals from bad replies and diagnostics; a child that never answers fails alone and the run is partial', async () => {
    repo = await makeRepo({ 'README.md': '# x\n' })
    const seen = new Map<string, number>()
    server = await startModelServer({
      respond: (req) => {
        if (replyKind(req) !== 'code') return json({})
        const name = /`(\w+)`/.exec(userText(req))?.[1] ?? ''
        const n = seen.get(name) ?? 0
        seen.set(name, n + 1)
        return (SCRIPTS[name] ?? (() => good(name)))(n)
      },
    })
    const before = snapshotUserState(repo)
    const outcome = await startRun({
      cwd: repo.path,
      intent: '',
      scope: [],
      config: testConfig(server.url, { run: { max_attempts: 2, parent_retry: true } }),
      generate: {
        path: 'pkg/thing.py',
        template: 'python-class',
        vars: { class_name: 'Thing', methods: Object.keys(SCRIPTS).join(',') },
      },
    })
    expect(outcome.status).toBe('partial')
    const byName = new Map(
      outcome.record.agents.filter((a) => a.node.kind === 'method').map((a) => [a.node.name, a]),
    )

    const heals = byName.get('heals')!
    expect(heals.status).toBe('merged')
    expect(heals.attempts.map((t) => t.error?.code ?? 'ok')).toEqual(['MODEL_REPLY_INVALID', 'ok'])

    const lints = byName.get('lints')!
    expect(lints.status).toBe('merged')
    expect(lints.attempts[0]?.validations.find((v) => v.name === 'ruff')?.ok).toBe(false)
    // The exact diagnostics went back to the model on the retry.
    const lintRequests = server.requests.filter((r) => /`lints`/.test(userText(r)))
    expect(userText(lintRequests[1]!)).toMatch(/F841/)

    const never = byName.get('never')!
    expect(never.status).toBe('failed')
    expect(never.head).toBeNull()
    // Its own two attempts, then the parent's reset-and-retry with the siblings and the failure.
    expect(never.attempts.map((t) => t.phase)).toEqual(['self', 'self', 'parent'])
    expect(never.attempts.every((t) => t.error?.code === 'MODEL_REPLY_INVALID')).toBe(true)
    const neverRequests = server.requests.filter((r) => /`never`/.test(userText(r)))
    expect(neverRequests).toHaveLength(3)
    expect(userText(neverRequests[2]!)).toMatch(/parent reset your sandbox/)
    expect(userText(neverRequests[2]!)).toMatch(/method heals/)

    // Transport faults are absorbed by the model layer's retries: one attempt, no healing needed.
    for (const name of ['flaky', 'limited']) {
      expect(byName.get(name)!.status).toBe('merged')
      expect(byName.get(name)!.attempts).toHaveLength(1)
    }

    const text = repo.git('show', `${outcome.resultCommit}:pkg/thing.py`)
    for (const name of ['heals', 'lints', 'flaky', 'limited']) {
      expect(text).toContain(`    def ${name}(self) -> int:\n        return ${name.length}`)
    }
    expect(text).not.toContain('def never')
    expect(text).not.toContain('unused = 1')
    expect(outcome.record.hint).toMatch(/never/)
    expect(snapshotUserState(repo)).toBe(before)
  }, 300_000)

  it('a run where every acting child fails ends failed with no result branch', async () => {
    repo = await makeRepo({ 'README.md': '# x\n' })
    server = await startModelServer({ respond: () => ({ content: 'no JSON here' }) })
    const outcome = await startRun({
      cwd: repo.path,
      intent: 'write it',
      scope: [],
      config: testConfig(server.url, { run: { max_attempts: 1, parent_retry: false } }),
      generate: {
        path: 'pkg/one.py',
        template: 'python-class',
        vars: { class_name: 'One', methods: 'only' },
      },
    })
    expect(outcome.status).toBe('failed')
    expect(outcome.resultBranch).toBeNull()
    expect(repo.git('for-each-ref', 'refs/heads/momentum/*/result')).toBe('')
  }, 300_000)
})
