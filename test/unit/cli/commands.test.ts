import { describe, expect, it } from 'vitest'
import { plain } from '../../../src/cli/ansi.js'
import { gcVerdict, runIdTime } from '../../../src/cli/gc.js'
import { parseSets } from '../../../src/cli/generate.js'
import { checkIntent, scopeArg } from '../../../src/cli/run.js'
import { fatalCause, outcomeLines, runExitCode } from '../../../src/cli/run-driver.js'
import { colorDiff, renderValidations } from '../../../src/cli/show.js'
import { MomentumError } from '../../../src/errors/index.js'
import { pyprojectRecord } from './fixtures.js'

const code = (f: () => unknown): string | undefined => {
  try {
    f()
  } catch (e) {
    return e instanceof MomentumError ? e.code : 'not a MomentumError'
  }
  return undefined
}

describe('argument checks', () => {
  it('rejects empty intents and trims the rest', () => {
    expect(code(() => checkIntent('   '))).toBe('EMPTY_INTENT')
    expect(code(() => checkIntent(undefined))).toBe('EMPTY_INTENT')
    expect(checkIntent('  add requests \n')).toBe('add requests')
  })

  it('defaults the scope to the whole repo', () => {
    expect(scopeArg(undefined)).toEqual(['.'])
    expect(scopeArg(['a.py', ''])).toEqual(['a.py'])
  })

  it('parses --set key=value, keeping "=" inside values', () => {
    expect(parseSets(['class_name=Invoice', 'doc=a=b', 'methods=[]'])).toEqual({
      class_name: 'Invoice',
      doc: 'a=b',
      methods: '[]',
    })
    expect(parseSets('x=1')).toEqual({ x: '1' })
    expect(parseSets(undefined)).toEqual({})
    expect(code(() => parseSets(['novalue']))).toBe('USAGE')
    expect(code(() => parseSets(['=x']))).toBe('USAGE')
  })
})

describe('gc policy', () => {
  const now = Date.parse('2026-11-25T12:00:00Z')
  const day = 86_400_000

  it('reads the start time from a run id', () => {
    expect(runIdTime('20261125-1203-a1b2')).toBe(Date.parse('2026-11-25T12:03:00Z'))
    expect(runIdTime('nope')).toBeNull()
  })

  it('keeps young runs and resumable runs unless --all', () => {
    const old = pyprojectRecord({ startedAt: '2026-11-01T00:00:00.000Z' })
    const young = pyprojectRecord({ startedAt: '2026-11-25T11:00:00.000Z' })
    const stuck = pyprojectRecord({ startedAt: '2026-11-01T00:00:00.000Z', status: 'interrupted' })
    const opts = { all: false, olderThanMs: 7 * day, now }
    expect(gcVerdict(old.runId, old, opts)).toBeNull()
    expect(gcVerdict(young.runId, young, opts)).toMatch(/younger than/)
    expect(gcVerdict(stuck.runId, stuck, opts)).toMatch(/resumable/)
    expect(gcVerdict(stuck.runId, stuck, { ...opts, all: true })).toBeNull()
    // An orphan (branches left, no record) is aged by its id.
    expect(gcVerdict('20261124-0000-abcd', null, opts)).toMatch(/younger than/)
    expect(gcVerdict('20261001-0000-abcd', null, opts)).toBeNull()
  })
})

describe('run outcomes', () => {
  it('maps statuses to documented exit codes', () => {
    expect([
      runExitCode('ok'),
      runExitCode('partial'),
      runExitCode('failed'),
      runExitCode('interrupted'),
    ]).toEqual([0, 3, 4, 130])
  })

  it('prints the result branch and next steps, or how to resume', () => {
    const record = pyprojectRecord()
    const ok = {
      runId: record.runId,
      status: 'ok' as const,
      resultBranch: record.resultBranch,
      resultCommit: record.resultCommit,
      record,
    }
    expect(outcomeLines(ok, plain)).toEqual([
      'run 20261125-1203-a1b2: ok',
      'result branch: momentum/20261125-1203-a1b2/result (cccccccccc)',
      'review: git momentum show 20261125-1203-a1b2    land: git momentum land 20261125-1203-a1b2    details: git momentum log 20261125-1203-a1b2',
    ])
    const stopped = outcomeLines(
      { ...ok, status: 'interrupted', resultBranch: null, resultCommit: null },
      plain,
    )
    expect(stopped.at(-1)).toContain('git momentum resume 20261125-1203-a1b2')
  })

  it('reports a run stopped by an unusable model as that one error', () => {
    const record = pyprojectRecord({ status: 'failed', resultBranch: null, resultCommit: null })
    const leaf = record.agents.find((a) => a.id === 'pyproject.toml::project')!
    leaf.status = 'failed'
    leaf.error = { code: 'MODEL_AUTH', message: 'http://x/v1 refused the API key (HTTP 401)' }
    const outcome = {
      runId: record.runId,
      status: 'failed' as const,
      resultBranch: null,
      resultCommit: null,
      record,
    }
    const err = fatalCause(outcome)
    expect(err?.code).toBe('MODEL_AUTH')
    expect(err?.exitCode).toBe(42)
    expect(err?.hint).toContain('OPENAI_API_KEY')
    leaf.error = { code: 'MODEL_REPLY_INVALID', message: 'not JSON' }
    expect(fatalCause(outcome)).toBeNull()
    expect(fatalCause({ ...outcome, status: 'partial' })).toBeNull()
  })
})

describe('show rendering', () => {
  it('lists validations with diagnostics and colours diffs only when asked', () => {
    expect(
      renderValidations(
        [
          { name: 'ruff', ok: false, diagnostics: ['a.py:1:1 F401 unused import'], durationMs: 1 },
          { name: 'pyright', ok: true, diagnostics: [], durationMs: 1, skipped: 'disabled' },
        ],
        plain,
      ),
    ).toEqual([
      'validations:',
      '  ruff: failed',
      '    a.py:1:1 F401 unused import',
      '  pyright: skipped (disabled)',
    ])
    expect(colorDiff('+a\n-b', plain)).toEqual(['+a', '-b'])
  })
})
