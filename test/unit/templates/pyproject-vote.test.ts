import { describe, expect, it } from 'vitest'
import { defaultConfig } from '../../../src/config/schema.js'
import { discoverFileNodes } from '../../../src/syntax/discover.js'
import type { MNode } from '../../../src/syntax/types.js'
import { loadTemplate } from '../../../src/templates/load.js'
import { mergeVars, type ResolvedBlock, resolveBlocks } from '../../../src/templates/render.js'
import { blockScript, templateScript, voteWithScript } from '../../../src/templates/run-block.js'
import { matchBlocks } from '../../../src/templates/select.js'
import { fixtures } from './helpers.js'

// The acceptance: with NO model configured, the built-in pyproject template votes on the
// seed's intent; the real .pym scripts run in Monty (no askModel is given, so a script that tried
// to call the model would fail the test).
const INTENT = 'add a dependency for requests and set up pytest-cov'
const THRESHOLD = defaultConfig().run.relevance_threshold

async function blockScores(name: string, bytes: Buffer, intent: string): Promise<Record<string, number>> {
  const template = await loadTemplate('pyproject', { repoRoot: null })
  const blocks = resolveBlocks(template, mergeVars(template))
  const file = discoverFileNodes(name, bytes, 'toml')
  const match = matchBlocks(blocks, file.children)
  const scores: Record<string, number> = {}
  const vote = async (block: ResolvedBlock, node: MNode | null): Promise<number> => {
    const choice = blockScript(template, block)
    if (!choice) throw new Error(`block ${block.name} has no script`)
    const siblings = file.children.filter((c) => c !== node).map((c) => c.name)
    const text = node ? bytes.subarray(node.startByte, node.endByte) : Buffer.from(block.skeleton)
    const info = node
      ? { id: node.id, kind: node.kind, name: node.name, path: name, block: block.name, missing: false }
      : {
          id: `${name}::${block.name}`,
          kind: 'toml_table',
          name: block.name,
          path: name,
          block: block.name,
          missing: true,
        }
    const result = await voteWithScript(choice, {
      intent,
      node: { text, info, parentOutline: '', siblingNames: siblings },
    })
    expect(result.modelCalls).toBe(0)
    return result.score
  }
  for (const { node, block } of match.assigned) {
    if (!block) continue
    scores[block.name] = Math.max(scores[block.name] ?? 0, await vote(block, node))
  }
  for (const block of match.missing) scores[block.name] = await vote(block, null)
  return scores
}

describe('pyproject template votes without a model (acceptance)', () => {
  const all = fixtures()

  it('has at least five differently written fixtures, with and without a test block, and a CRLF one', () => {
    expect(all.length).toBeGreaterThanOrEqual(5)
    const withTests = all.filter((f) => /\[tool\.(pytest|coverage)/.test(f.bytes.toString()))
    expect(withTests.length).toBeGreaterThan(0)
    expect(all.length - withTests.length).toBeGreaterThan(0)
    expect(all.some((f) => f.bytes.includes('\r\n'))).toBe(true)
    expect(all.some((f) => f.bytes.includes('#'))).toBe(true)
  })

  for (const { name, bytes } of all) {
    it(`${name}: project and tests act, scripts and tools pass`, async () => {
      const s = await blockScores(name, bytes, INTENT)
      expect(Object.keys(s).sort()).toEqual(['build-system', 'project', 'scripts', 'tests', 'tools'])
      expect(s.project).toBeGreaterThanOrEqual(THRESHOLD)
      expect(s.tests).toBeGreaterThanOrEqual(THRESHOLD)
      expect(s.scripts).toBeLessThan(THRESHOLD)
      expect(s.tools).toBeLessThan(THRESHOLD)
    })
  }

  it('routes other intents to other blocks', async () => {
    const { bytes } = all.find((f) => f.name === 'hatch-full.toml')!
    const lint = await blockScores('pyproject.toml', bytes, 'raise the ruff line length to 120')
    expect(lint.tools).toBeGreaterThanOrEqual(THRESHOLD)
    expect(lint.project).toBeLessThan(THRESHOLD)
    expect(lint.tests).toBeLessThan(THRESHOLD)
    const cli = await blockScores('pyproject.toml', bytes, 'add a console script entry point for the CLI')
    expect(cli.scripts).toBeGreaterThanOrEqual(THRESHOLD)
    expect(cli.tests).toBeLessThan(THRESHOLD)
    expect(cli.tools).toBeLessThan(THRESHOLD)
    const tool = await blockScores(
      'setuptools-no-tests.toml',
      all.find((f) => f.name === 'setuptools-no-tests.toml')!.bytes,
      'configure mypy to be less strict',
    )
    expect(tool.tools).toBeGreaterThanOrEqual(THRESHOLD)
  })

  it('the file-level script also takes the intent, deterministically', async () => {
    const template = await loadTemplate('pyproject', { repoRoot: null })
    const choice = templateScript(template, mergeVars(template))
    const node = {
      text: all[0]!.bytes,
      info: { kind: 'file', name: 'pyproject.toml' },
      parentOutline: '',
      siblingNames: [],
    }
    const a = await voteWithScript(choice!, { intent: INTENT, node })
    const b = await voteWithScript(choice!, { intent: INTENT, node })
    expect(a.score).toBeGreaterThanOrEqual(THRESHOLD)
    expect(b.score).toBe(a.score)
    expect(
      (await voteWithScript(choice!, { intent: 'translate the docs to French', node })).score,
    ).toBeLessThan(THRESHOLD)
  })
})
