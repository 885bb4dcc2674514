import { afterEach, describe, expect, it } from 'vitest'
import { planRun, readRunRecord, startRun } from '../../../src/agents/index.js'
import type { RunEvent } from '../../../src/agents/types.js'
import { Git } from '../../../src/git/git.js'
import { type ModelServer, startModelServer } from '../../support/model-server.js'
import { makeRepo, type TempRepo } from '../../support/repo.js'
import { json, python, replyKind, snapshotUserState, testConfig } from './helpers.js'

// A hand-edited, real-world-style pyproject: comments, odd spacing, CJK and emoji, no test block.
const PYPROJECT = `# Acme widgets — packaging (hand-edited, keep the comments!)
[build-system]
requires = ["hatchling>=1.18"]   # build backend
build-backend = "hatchling.build"

[project]
name = "acme-widgets"
version = "0.3.1"
description = "Widgets for the Acme café ☕ — 小工具"
requires-python = ">=3.10"
dependencies = [
    "click>=8.1",  # CLI
    "rich",
]

[project.scripts]
acme = "acme.cli:main"

[tool.ruff]
line-length   = 100
[tool.ruff.lint]
select = ["E", "F", "I"]   # keep imports sorted
`

const INTENT = 'add a dependency for requests and set up pytest-cov with an 80% coverage threshold'

function respond(kind: string): unknown {
  if (kind === 'dependencies') return { dependencies_add: ['requests'], optional_add: {} }
  if (kind === 'tests_config') {
    return {
      pytest_addopts: ['--cov=acme', '--cov-fail-under=80'],
      testpaths: [],
      coverage_fail_under: 80,
      coverage_source: [],
    }
  }
  return {}
}

describe('the seed example end to end', () => {
  let repo: TempRepo | null = null
  let server: ModelServer | null = null
  afterEach(async () => {
    await server?.close()
    await repo?.cleanup()
    server = null
    repo = null
  }, 300_000)

  it('reaches only the project and tests blocks, creates the tests block, and leaves other bytes alone', async () => {
    repo = await makeRepo({ 'pyproject.toml': PYPROJECT, 'acme/__init__.py': '' })
    server = await startModelServer({ respond: (req) => json(respond(replyKind(req))) })
    // A dirty tree is allowed: the run reads HEAD and says so.
    repo.write('notes.txt', 'work in progress\n')
    const before = snapshotUserState(repo)
    const events: RunEvent[] = []
    const outcome = await startRun({
      cwd: repo.path,
      intent: INTENT,
      scope: ['pyproject.toml'],
      config: testConfig(server.url),
      onEvent: (e) => events.push(e),
    })
    expect(outcome.status).toBe('ok')
    expect(outcome.resultBranch).toBe(`momentum/${outcome.runId}/result`)
    // Only the two relevant blocks asked the model; everything else passed on a deterministic vote.
    const kinds = server.requests.map(replyKind).sort()
    expect(kinds).toEqual(['dependencies', 'tests_config'])
    const acted = outcome.record.agents
      .filter((a) => a.votes?.acted && a.node.kind === 'toml_table')
      .map((a) => a.id)
    expect(acted.sort()).toEqual(['pyproject.toml::+tests', 'pyproject.toml::project'].sort())
    const passed = outcome.record.agents.filter((a) => a.status === 'passed')
    expect(passed.map((a) => a.id)).toEqual(
      expect.arrayContaining([
        'pyproject.toml::project.scripts',
        'pyproject.toml::tool.ruff',
        'pyproject.toml::build-system',
      ]),
    )
    for (const p of passed) expect(p.votes?.score).toBeLessThan(0.5)

    const result = repo.git('show', `${outcome.resultCommit}:pyproject.toml`)
    const parsed = JSON.parse(
      python('import json,sys,tomllib; d=tomllib.loads(sys.stdin.read()); print(json.dumps(d))', result),
    ) as {
      project: { dependencies: string[] }
      tool: { pytest: { ini_options: { addopts: string } }; coverage?: { report?: { fail_under?: number } } }
    }
    expect(parsed.project.dependencies).toEqual(['click>=8.1', 'rich', 'requests'])
    expect(parsed.tool.pytest.ini_options.addopts).toContain('--cov-fail-under=80')
    expect(parsed.tool.coverage?.report?.fail_under).toBe(80)
    // Every other block is byte-identical: the text before [project] and every untouched table.
    const untouched = [
      '[project.scripts]\nacme = "acme.cli:main"\n',
      '[tool.ruff]\nline-length   = 100\n[tool.ruff.lint]\nselect = ["E", "F", "I"]   # keep imports sorted\n',
    ]
    expect(result.startsWith(PYPROJECT.slice(0, PYPROJECT.indexOf('[project]')))).toBe(true)
    for (const block of untouched) expect(result).toContain(block)
    expect(result).toContain('    "click>=8.1",  # CLI\n')

    // The DAG: the file agent's merge has the base and both block commits as parents.
    const fileAgent = outcome.record.agents.find((a) => a.id === 'pyproject.toml')!
    const parents = repo.git('rev-list', '--parents', '-n', '1', fileAgent.head!).split(' ').slice(1)
    expect(parents).toHaveLength(3)
    const trailers = repo.git(
      'log',
      '-1',
      '--format=%(trailers:key=Momentum-Agent,valueonly)',
      outcome.record.agents.find((a) => a.id === 'pyproject.toml::project')!.head!,
    )
    expect(trailers.trim()).toBe('pyproject.toml::project')

    // The user's checkout is exactly as it was.
    expect(snapshotUserState(repo)).toBe(before)
    // The record round-trips from git alone.
    const git = await Git.open(repo.path)
    const back = await readRunRecord(git, outcome.runId)
    expect(back.status).toBe('ok')
    expect(back.agents.map((a) => a.id)).toEqual(outcome.record.agents.map((a) => a.id))
    expect(back.tokens.prompt).toBeGreaterThan(0)
    expect(events[0]).toMatchObject({ type: 'run-started', runId: outcome.runId, dirty: true })
    expect(events).toContainEqual({
      type: 'warning',
      message: `the run starts from HEAD ${outcome.record.base.slice(0, 12)}, uncommitted changes are not included`,
    })
    expect(events.at(-1)).toMatchObject({ type: 'run-finished' })
  }, 300_000)

  it('plan votes the same way and creates no ref, branch or worktree', async () => {
    repo = await makeRepo({ 'pyproject.toml': PYPROJECT })
    server = await startModelServer({ respond: () => json({}) })
    const refsBefore = repo.git('for-each-ref')
    const worktreesBefore = repo.git('worktree', 'list', '--porcelain')
    const plan = await planRun({
      cwd: repo.path,
      intent: INTENT,
      scope: ['pyproject.toml'],
      config: testConfig(server.url),
    })
    const acting = plan.agents.filter((a) => a.votes?.acted && a.node.kind === 'toml_table').map((a) => a.id)
    expect(acting.sort()).toEqual(['pyproject.toml::+tests', 'pyproject.toml::project'].sort())
    const tests = plan.agents.find((a) => a.id === 'pyproject.toml::+tests')!
    expect(tests.insertion).toBe(true)
    expect(tests.range.start).toBe(tests.range.end)
    expect(server.requests).toHaveLength(0)
    expect(repo.git('for-each-ref')).toBe(refsBefore)
    expect(repo.git('worktree', 'list', '--porcelain')).toBe(worktreesBefore)
  }, 300_000)
})
