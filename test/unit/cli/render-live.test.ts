import { describe, expect, it } from 'vitest'
import type { AgentState, RunEvent } from '../../../src/agents/types.js'
import { makeStyler, plain, stripAnsi } from '../../../src/cli/ansi.js'
import { createLiveView } from '../../../src/cli/live.js'
import { applyEvent, countStates, emptyLiveState } from '../../../src/cli/live-state.js'
import { countsLine, plainEventLine, renderFrame } from '../../../src/cli/render-live.js'

const ev = (
  agentId: string,
  parentId: string | null,
  state: AgentState,
  more: { score?: number; attempt?: number; detail?: string } = {},
): RunEvent => ({
  type: 'agent',
  agentId,
  parentId,
  kind: parentId === null ? 'file' : 'toml_table',
  name: agentId,
  state,
  ...more,
})

const EVENTS: RunEvent[] = [
  { type: 'run-started', runId: '20261125-1203-a1b2', base: 'e'.repeat(40), dirty: false },
  ev('pyproject.toml', null, 'voting'),
  ev('project', 'pyproject.toml', 'voting'),
  ev('scripts', 'pyproject.toml', 'voting'),
  ev('tests', 'pyproject.toml', 'voting'),
  ev('project', 'pyproject.toml', 'generating', { score: 0.92 }),
  ev('scripts', 'pyproject.toml', 'passed', { score: 0.1 }),
  ev('tests', 'pyproject.toml', 'healing', { score: 0.88, attempt: 2, detail: 'toml: line 3' }),
  { type: 'warning', message: 'bubblewrap not found; validation commands run unsandboxed' },
  ev('project', 'pyproject.toml', 'merged'),
]

function fold(events: RunEvent[]) {
  const s = emptyLiveState()
  for (const e of events) applyEvent(s, e)
  return s
}

describe('live state', () => {
  it('folds events, keeping first-seen order and the last score', () => {
    const s = fold(EVENTS)
    expect(s.runId).toBe('20261125-1203-a1b2')
    expect(s.order).toEqual(['pyproject.toml', 'project', 'scripts', 'tests'])
    expect(s.agents.get('project')).toMatchObject({ state: 'merged', score: 0.92 })
    expect(s.warnings).toHaveLength(1)
    expect(countStates(s)).toMatchObject({ voting: 1, working: 1, passed: 1, merged: 1, failed: 0 })
    expect(countsLine(s)).toBe('1 voting · 1 working · 1 passed · 1 merged · 0 failed')
  })
})

describe('renderFrame', () => {
  it('draws the tree with states, scores and attempts', () => {
    expect(renderFrame(fold(EVENTS), 1234, plain)).toMatchInlineSnapshot(`
      [
        "run 20261125-1203-a1b2  1.2s  1 voting · 1 working · 1 passed · 1 merged · 0 failed",
        "pyproject.toml  file  ? voting",
        "├─ project  toml_table  ✓ merged  score 0.92",
        "├─ scripts  toml_table  - passed  score 0.10",
        "└─ tests  toml_table  ! healing  score 0.88  attempt 2  toml: line 3",
      ]
    `)
  })

  it('colours only when asked', () => {
    const coloured = renderFrame(fold(EVENTS), 0, makeStyler(true)).join('\n')
    expect(coloured).toContain('\u001b[32m')
    expect(stripAnsi(coloured)).toBe(renderFrame(fold(EVENTS), 0, plain).join('\n'))
  })

  it('folds quiet agents to fit the terminal', () => {
    const events: RunEvent[] = [ev('big.py', null, 'generating')]
    for (let i = 0; i < 60; i++) events.push(ev(`f${i}`, 'big.py', 'passed', { score: 0.1 }))
    events.push(ev('f7', 'big.py', 'validating', { score: 0.9 }))
    const frame = renderFrame(fold(events), 0, plain, 20)
    expect(frame.length).toBeLessThanOrEqual(20)
    expect(frame.join('\n')).toContain('f7')
    expect(frame.join('\n')).toContain('(59 quiet agents folded)')
  })
})

describe('plain lines (non-TTY)', () => {
  it('prints one line per event and nothing for run-finished', () => {
    const lines = EVENTS.map(plainEventLine).filter((l) => l !== null)
    expect(lines).toMatchInlineSnapshot(`
      [
        "run 20261125-1203-a1b2 started at eeeeeeeeee",
        "voting     pyproject.toml",
        "voting     project",
        "voting     scripts",
        "voting     tests",
        "generating project  score=0.92",
        "passed     scripts  score=0.10",
        "healing    tests  score=0.88  attempt=2  toml: line 3",
        "warning: bubblewrap not found; validation commands run unsandboxed",
        "merged     project",
      ]
    `)
  })

  it('the live view writes no escape codes when not a TTY', () => {
    let out = ''
    const view = createLiveView({ write: (t) => (out += t), tty: false, color: false })
    for (const e of EVENTS) view.onEvent(e)
    view.stop()
    expect(out).not.toContain('\u001b')
    expect(out.trimEnd().split('\n')).toHaveLength(10)
  })

  it('the TTY view redraws in place and restores the cursor', () => {
    let out = ''
    let t = 0
    const view = createLiveView({ write: (x) => (out += x), tty: true, color: false, now: () => t })
    for (const e of EVENTS) view.onEvent(e)
    t = 2000
    view.stop()
    view.stop()
    expect(out.startsWith('\u001b[?25l')).toBe(true)
    expect(out.endsWith('\u001b[?25h')).toBe(true)
    expect(out.split('\u001b[?25h')).toHaveLength(2)
    expect(stripAnsi(out)).toContain('run 20261125-1203-a1b2  2.0s')
  })
})
