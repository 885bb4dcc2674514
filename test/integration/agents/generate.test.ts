import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startRun } from '../../../src/agents/index.js'
import { pyrightCheck } from '../../../src/validate/pyright.js'
import { ruffCheck } from '../../../src/validate/ruff.js'
import { type ModelServer, startModelServer } from '../../support/model-server.js'
import { makeRepo, type TempRepo } from '../../support/repo.js'
import { json, methodOf, replyKind, snapshotUserState, testConfig, userText } from './helpers.js'

const BODIES: Record<string, string> = {
  add: 'def add(self, a: int, b: int) -> int:\n    """Add two numbers."""\n    return a + b\n',
  sub: 'def sub(self, a: int, b: int) -> int:\n    """Subtract b from a."""\n    return a - b\n',
  mul: 'def mul(self, a: int, b: int) -> int:\n    """Multiply two numbers."""\n    return a * b\n',
  div: 'def div(self, a: float, b: float) -> float:\n    """Divide a by b."""\n    return a / b\n',
  neg: 'def neg(self, a: int) -> int:\n    """Negate a."""\n    return -a\n',
}

describe('generation', () => {
  let repo: TempRepo | null = null
  let server: ModelServer | null = null
  afterEach(async () => {
    await server?.close()
    await repo?.cleanup()
    server = null
    repo = null
  }, 300_000)

  it('generates a class with five specified methods through five concurrent method agents', async () => {
    repo = await makeRepo({ 'README.md': '# calc\n' })
    server = await startModelServer({
      latencyMs: 400,
      respond: (req) =>
        replyKind(req) === 'code' ? json({ code: BODIES[methodOf(userText(req))] ?? 'oops' }) : json({}),
    })
    const before = snapshotUserState(repo)
    const outcome = await startRun({
      cwd: repo.path,
      intent: '',
      scope: [],
      config: testConfig(server.url, { validate: { pyright: true } }),
      generate: {
        path: 'calc/calculator.py',
        template: 'python-class',
        vars: { class_name: 'Calculator', methods: 'add,sub,mul,div,neg' },
      },
    })
    expect(outcome.status).toBe('ok')
    expect(server.requests.filter((r) => replyKind(r) === 'code')).toHaveLength(5)
    expect(server.maxInFlight).toBeGreaterThanOrEqual(5)
    const methods = outcome.record.agents.filter((a) => a.node.kind === 'method')
    expect(methods.map((m) => m.node.name)).toEqual(['add', 'sub', 'mul', 'div', 'neg'])
    for (const m of methods) {
      expect(m.insertion).toBe(true)
      expect(m.status).toBe('merged')
      expect(m.votes?.source).toBe('forced')
    }
    const text = repo.git('show', `${outcome.resultCommit}:calc/calculator.py`)
    // Spec order, each method once, inside the class.
    const order = ['add', 'sub', 'mul', 'div', 'neg'].map((n) => text.indexOf(`    def ${n}(`))
    expect(order.every((at, i) => at > 0 && (i === 0 || at > order[i - 1]!))).toBe(true)
    expect(text).toContain('class Calculator:')
    expect(ruffCheck(Buffer.from(text), { path: 'calc/calculator.py', select: ['E', 'F'] }).ok).toBe(true)
    const dir = await mkdtemp(join(tmpdir(), 'momentum-pyright-'))
    try {
      await writeFile(join(dir, 'calculator.py'), text)
      const pyright = await pyrightCheck(dir, ['calculator.py'], { sandbox: 'none' })
      expect(pyright.diagnostics).toEqual([])
      expect(pyright.ok).toBe(true)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
    // The class agent's merge commit has the skeleton and all five method commits as parents.
    const cls = outcome.record.agents.find((a) => a.id === 'calc/calculator.py::Calculator')!
    const parents = repo.git('rev-list', '--parents', '-n', '1', cls.head!).split(' ').slice(1)
    expect(parents).toHaveLength(6)
    expect(parents.slice(1).sort()).toEqual(methods.map((m) => m.head!).sort())
    const file = outcome.record.agents.find((a) => a.id === 'calc/calculator.py')!
    expect(file.validations.map((v) => v.name)).toEqual(['ruff', 'pyright'])
    expect(file.validations.every((v) => v.ok)).toBe(true)
    expect(snapshotUserState(repo)).toBe(before)
  }, 300_000)
})
