import { type AstAgent, type RunRecord, RunRecordSchema } from '../../../src/agents/schema.js'

/** Builds one agent with sensible defaults; tests override what they care about. */
export function agent(id: string, over: Partial<AstAgent> = {}): AstAgent {
  const path = id.split('::')[0] ?? id
  const name = id.includes('::') ? (id.split('::')[1] ?? id) : id
  return {
    id,
    node: { id, kind: 'toml_table', name, path, lang: 'toml' },
    range: { path, start: 0, end: 10 },
    base: 'e'.repeat(40),
    insertion: false,
    parentId: null,
    children: [],
    sandbox: null,
    template: null,
    block: null,
    script: null,
    status: 'passed',
    attempts: [],
    votes: null,
    validations: [],
    tokens: { prompt: 0, completion: 0 },
    timings: {},
    head: null,
    error: null,
    ...over,
  }
}

/** The seed's pyproject example as a finished run record (validated by the real schema). */
export function pyprojectRecord(over: Partial<RunRecord> = {}): RunRecord {
  const vote = (score: number, acted: boolean) => ({
    score,
    threshold: 0.5,
    acted,
    source: 'script' as const,
  })
  const ok = (name: string) => ({ name, ok: true, diagnostics: [], durationMs: 12 })
  const agents: AstAgent[] = [
    agent('.', {
      node: { id: '.', kind: 'repo', name: '', path: '', lang: null },
      children: ['pyproject.toml'],
      status: 'merged',
      head: 'c'.repeat(40),
      timings: { durationMs: 4200 },
    }),
    agent('pyproject.toml', {
      node: {
        id: 'pyproject.toml',
        kind: 'file',
        name: 'pyproject.toml',
        path: 'pyproject.toml',
        lang: 'toml',
      },
      parentId: '.',
      children: [
        'pyproject.toml::project',
        'pyproject.toml::tool.pytest.ini_options',
        'pyproject.toml::project.scripts',
        'pyproject.toml::tool.ruff',
      ],
      status: 'merged',
      votes: vote(0.9, true),
      validations: [ok('toml')],
      head: 'b'.repeat(40),
      timings: { durationMs: 3900 },
    }),
    agent('pyproject.toml::project', {
      parentId: 'pyproject.toml',
      status: 'merged',
      votes: vote(0.92, true),
      attempts: [{ n: 1, phase: 'self', commit: 'a'.repeat(40), validations: [ok('toml'), ok('pep508')] }],
      validations: [ok('toml'), ok('pep508')],
      tokens: { prompt: 300, completion: 40 },
      head: 'a'.repeat(40),
      timings: { durationMs: 1500 },
    }),
    agent('pyproject.toml::tool.pytest.ini_options', {
      parentId: 'pyproject.toml',
      insertion: true,
      status: 'merged',
      votes: vote(0.88, true),
      attempts: [
        {
          n: 1,
          phase: 'self',
          validations: [{ name: 'toml', ok: false, diagnostics: ['line 3: expected value'], durationMs: 3 }],
        },
        { n: 2, phase: 'self', commit: 'd'.repeat(40), validations: [ok('toml')] },
      ],
      validations: [ok('toml')],
      tokens: { prompt: 420, completion: 80 },
      head: 'd'.repeat(40),
      timings: { durationMs: 2100 },
    }),
    agent('pyproject.toml::project.scripts', { parentId: 'pyproject.toml', votes: vote(0.1, false) }),
    agent('pyproject.toml::tool.ruff', { parentId: 'pyproject.toml', votes: vote(0.05, false) }),
  ]
  return RunRecordSchema.parse({
    version: 1,
    runId: '20261125-1203-a1b2',
    intent: 'add a dependency for requests and set up pytest-cov with an 80% coverage threshold',
    scope: ['pyproject.toml'],
    base: 'e'.repeat(40),
    dirty: false,
    startedAt: '2026-11-25T12:03:00.000Z',
    finishedAt: '2026-11-25T12:03:04.200Z',
    status: 'ok',
    hint: null,
    configDigest: 'x',
    resumes: 0,
    threshold: 0.5,
    model: 'test-model',
    tokens: { prompt: 720, completion: 120 },
    generate: null,
    resultBranch: 'momentum/20261125-1203-a1b2/result',
    resultCommit: 'c'.repeat(40),
    rootId: '.',
    agents,
    ...over,
  })
}
