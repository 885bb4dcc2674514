import { describe, expect, it } from 'vitest'
import { PlanSchema } from '../../../src/agents/schema.js'
import { plain } from '../../../src/cli/ansi.js'
import { renderPlan, renderRunList, renderRunRecord } from '../../../src/cli/render-record.js'
import { agent, pyprojectRecord } from './fixtures.js'

describe('log rendering', () => {
  it('shows one run as a tree with verdicts, attempts, validations, tokens and durations', () => {
    expect(renderRunRecord(pyprojectRecord(), plain)).toMatchSnapshot()
  })

  it('lists failures with their diagnostics', () => {
    const r = pyprojectRecord({ status: 'partial' })
    const tests = r.agents.find((a) => a.id.includes('pytest'))!
    tests.status = 'failed'
    tests.error = { code: 'MODEL_REPLY_INVALID', message: 'reply was not JSON' }
    tests.validations = [{ name: 'toml', ok: false, diagnostics: ['line 3: expected value'], durationMs: 1 }]
    const out = renderRunRecord(r, plain).join('\n')
    expect(out).toContain('failures:')
    expect(out).toContain('pyproject.toml::tool.pytest.ini_options: MODEL_REPLY_INVALID: reply was not JSON')
    expect(out).toContain('toml: line 3: expected value')
  })

  it('lists runs newest first', () => {
    const older = pyprojectRecord({ runId: '20261124-0900-0001', startedAt: '2026-11-24T09:00:00.000Z' })
    const newer = pyprojectRecord({ status: 'partial' })
    const lines = renderRunList([older, newer], plain)
    expect(lines[0]).toMatch(/^20261125-1203-a1b2 {2}partial/)
    expect(lines[1]).toMatch(/^20261124-0900-0001 {2}ok/)
    expect(lines[0]).toContain('3 acted')
    expect(renderRunList([], plain)[0]).toContain('No runs yet')
  })
})

describe('plan rendering', () => {
  it('shows act/pass with scores and marks blocks to be created', () => {
    const r = pyprojectRecord()
    const plan = PlanSchema.parse({
      intent: r.intent,
      scope: r.scope,
      base: r.base,
      dirty: true,
      threshold: 0.5,
      rootId: r.rootId,
      agents: r.agents.map((a) => ({ ...a, status: 'pending', attempts: [], head: null })),
    })
    expect(renderPlan(plan, plain)).toMatchSnapshot()
  })

  it('copes with an empty tree', () => {
    const plan = PlanSchema.parse({
      intent: 'x',
      scope: [],
      base: 'e',
      dirty: false,
      threshold: 0.5,
      rootId: '.',
      agents: [],
    })
    expect(renderPlan(plan, plain)).toContain('(no agents)')
    expect(agent('x').id).toBe('x')
  })
})
