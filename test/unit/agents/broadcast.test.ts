import { describe, expect, it } from 'vitest'
import { broadcast, clamp, type VoteNode } from '../../../src/agents/broadcast.js'

const leaf = (id: string): VoteNode => ({ id, children: [], scripted: true, delegate: false })
const box = (id: string, children: VoteNode[], scripted = false, delegate = true): VoteNode => ({
  id,
  children,
  scripted,
  delegate,
})

describe('broadcast', () => {
  const scores: Record<string, number> = { project: 0.9, tests: 0.5, scripts: 0.1, tools: 0.49 }
  const tree = box('.', [box('pyproject.toml', ['project', 'tests', 'scripts', 'tools'].map(leaf))])

  it('acts at or above the threshold and passes below it, recording every score', async () => {
    const asked: string[] = []
    const votes = await broadcast(
      tree,
      async (n) => {
        asked.push(n.id)
        return scores[n.id] ?? 0
      },
      0.5,
    )
    expect(votes.get('project')).toMatchObject({ score: 0.9, acted: true, source: 'script' })
    expect(votes.get('tests')).toMatchObject({ score: 0.5, acted: true })
    expect(votes.get('scripts')).toMatchObject({ score: 0.1, acted: false })
    expect(votes.get('tools')).toMatchObject({ score: 0.49, acted: false })
    // Containers without a script score as their best child and act when any child does.
    expect(votes.get('pyproject.toml')).toMatchObject({ score: 0.9, acted: true, source: 'children' })
    expect(votes.get('.')).toMatchObject({ score: 0.9, acted: true })
    expect(asked.sort()).toEqual(['project', 'scripts', 'tests', 'tools'])
  })

  it('a scripted container below the threshold keeps the intent from its subtree', async () => {
    const t = box('f.py', [leaf('f.py::a'), leaf('f.py::b')], true, true)
    const asked: string[] = []
    const votes = await broadcast(
      t,
      async (n) => {
        asked.push(n.id)
        return n.id === 'f.py' ? 0.2 : 1
      },
      0.5,
    )
    expect(asked).toEqual(['f.py'])
    expect(votes.get('f.py::a')).toMatchObject({ acted: false, source: 'none' })
  })

  it('a delegating container sends the edit only to the child it concerns', async () => {
    const t = box('f.py', [box('f.py::C', [leaf('f.py::C.a'), leaf('f.py::C.b')], true, true)], true, true)
    const score: Record<string, number> = { 'f.py': 1, 'f.py::C': 0.8, 'f.py::C.a': 0.1, 'f.py::C.b': 0.9 }
    const votes = await broadcast(t, async (n) => score[n.id] ?? 0, 0.5)
    expect(votes.get('f.py::C')?.acted).toBe(true)
    expect(votes.get('f.py::C.b')?.acted).toBe(true)
    expect(votes.get('f.py::C.a')?.acted).toBe(false)
  })

  it('a non-delegating container does the work itself and its children pass', async () => {
    const t = box('README.md', [leaf('README.md::Install')], true, false)
    const votes = await broadcast(t, async () => 1, 0.5)
    expect(votes.get('README.md')?.acted).toBe(true)
    expect(votes.get('README.md::Install')).toMatchObject({ acted: false, source: 'none' })
  })

  it('clamps odd scores', () => {
    expect(clamp(Number.NaN)).toBe(0)
    expect(clamp(7)).toBe(1)
    expect(clamp(-1)).toBe(0)
    expect(clamp(0.3)).toBe(0.3)
  })
})

describe('broadcast with generation', () => {
  it('forced nodes act without asking their script, and their children vote', async () => {
    const forcedFile: VoteNode = {
      id: 'new.py',
      children: [
        { id: 'new.py::C', children: [leaf('new.py::C.a')], scripted: true, delegate: true, forced: true },
      ],
      scripted: false,
      delegate: true,
      forced: true,
    }
    const asked: string[] = []
    const votes = await broadcast(
      forcedFile,
      async (n) => {
        asked.push(n.id)
        return 0.9
      },
      0.5,
    )
    expect(votes.get('new.py')).toMatchObject({ score: 1, acted: true, source: 'forced' })
    expect(votes.get('new.py::C')).toMatchObject({ source: 'forced' })
    expect(votes.get('new.py::C.a')).toMatchObject({ acted: true, source: 'script' })
    expect(asked).toEqual(['new.py::C.a'])
  })

  it('a scripted class does the work itself when no method takes it', async () => {
    const t: VoteNode = { id: 'C', children: [leaf('C.a')], scripted: true, delegate: true, selfWork: true }
    const votes = await broadcast(t, async (n) => (n.id === 'C' ? 0.8 : 0.1), 0.5)
    expect(votes.get('C')?.acted).toBe(true)
    expect(votes.get('C.a')?.acted).toBe(false)
  })
})
