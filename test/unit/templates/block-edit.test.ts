import { describe, expect, it } from 'vitest'
import { isGrailError } from '../../../src/grail/index.js'
import { discoverFileNodes } from '../../../src/syntax/discover.js'
import type { MNode } from '../../../src/syntax/types.js'
import type { NodeContext } from '../../../src/templates/externals.js'
import { type LoadedTemplate, loadTemplate } from '../../../src/templates/load.js'
import { mergeVars, type ResolvedBlock, resolveBlocks } from '../../../src/templates/render.js'
import { blockScript, editWithScript } from '../../../src/templates/run-block.js'
import { matchBlocks } from '../../../src/templates/select.js'
import { fixtures, onlyInserted, toml } from './helpers.js'

const INTENT = 'add a dependency for requests and set up pytest-cov with an 80% coverage threshold'

interface Planned {
  template: LoadedTemplate
  file: MNode
  bytes: Buffer
  blocks: { block: ResolvedBlock; node: MNode | null }[]
}

async function plan(name: string): Promise<Planned> {
  const template = await loadTemplate('pyproject', { repoRoot: null })
  const bytes = fixtures().find((f) => f.name === name)!.bytes
  const file = discoverFileNodes(name, bytes, 'toml')
  const match = matchBlocks(resolveBlocks(template, mergeVars(template)), file.children)
  const blocks: Planned['blocks'] = match.assigned
    .filter((a) => a.block !== null)
    .map((a) => ({ block: a.block!, node: a.node }))
  for (const block of match.missing) blocks.push({ block, node: null })
  return { template, file, bytes, blocks }
}

function context(
  p: Planned,
  block: ResolvedBlock,
  node: MNode | null,
  reply: unknown,
  prompts: string[],
): NodeContext {
  return {
    text: node ? p.bytes.subarray(node.startByte, node.endByte) : Buffer.from(block.skeleton),
    info: node
      ? { kind: node.kind, name: node.name, block: block.name, missing: false }
      : { kind: 'toml_table', name: block.name, block: block.name, missing: true },
    parentOutline: p.file.children.map((c) => c.name).join('\n'),
    siblingNames: p.file.children.filter((c) => c !== node).map((c) => c.name),
    askModel: async (prompt, kind) => {
      prompts.push(`${kind}: ${prompt}`)
      return reply
    },
  }
}

const PROJECT_PLAN = { dependencies_add: ['requests>=2'], optional_add: { test: ['pytest-cov'] } }
const TESTS_PLAN = { pytest_addopts: ['--cov=pkg', '--cov-fail-under=80'], coverage_fail_under: 80 }

/** Runs every project/tests node of a fixture in edit mode and splices the proposals into the file. */
async function editFile(name: string): Promise<{ before: Buffer; after: Buffer; prompts: string[] }> {
  const p = await plan(name)
  const prompts: string[] = []
  const patches: { start: number; end: number; text: string }[] = []
  for (const { block, node } of p.blocks) {
    if (block.name !== 'project' && block.name !== 'tests') continue
    const reply = block.name === 'project' ? PROJECT_PLAN : TESTS_PLAN
    const choice = blockScript(p.template, block)!
    const res = await editWithScript(choice, {
      intent: INTENT,
      node: context(p, block, node, reply, prompts),
    })
    if (res.proposed === null) continue
    // A created block goes at the end of the file, separated by a blank line.
    if (node) patches.push({ start: node.startByte, end: node.endByte, text: res.proposed })
    else
      patches.push({
        start: p.bytes.length,
        end: p.bytes.length,
        text: `${p.bytes.includes('\r\n') ? '\r\n' : '\n'}${res.proposed}`,
      })
  }
  patches.sort((a, b) => b.start - a.start)
  let after = p.bytes
  for (const x of patches)
    after = Buffer.concat([after.subarray(0, x.start), Buffer.from(x.text), after.subarray(x.end)])
  return { before: p.bytes, after, prompts }
}

describe('built-in TOML scripts edit through the TOML externals', () => {
  for (const { name } of fixtures().filter((f) => f.name !== 'poetry-classic.toml')) {
    it(`${name}: requests, pytest-cov and an 80% threshold land as structured edits`, async () => {
      const { before, after, prompts } = await editFile(name)
      expect(prompts.some((x) => x.startsWith('dependencies: '))).toBe(true)
      expect(prompts.some((x) => x.startsWith('tests_config: '))).toBe(true)
      const doc = toml(after)
      const project = doc.project as Record<string, unknown>
      expect(project.dependencies).toContain('requests>=2')
      const extras = project['optional-dependencies'] as Record<string, string[]>
      expect(extras.test).toContain('pytest-cov')
      const tool = doc.tool as Record<string, Record<string, Record<string, unknown>>>
      const addopts = tool.pytest!.ini_options!.addopts
      const opts = Array.isArray(addopts) ? addopts : String(addopts).split(' ')
      expect(opts).toEqual(expect.arrayContaining(['--cov=pkg', '--cov-fail-under=80']))
      expect(tool.coverage!.report!.fail_under).toBe(80)
      if (!/fail_under = 70/.test(before.toString())) expect(onlyInserted(before, after)).toBe(true)
      // Nothing outside project/tests changed.
      const { project: _p0, tool: t0, ...rest0 } = toml(before)
      const { project: _p1, tool: t1, ...rest1 } = doc
      expect(rest1).toEqual(rest0)
      const strip = (t: unknown) => {
        const { pytest: _a, coverage: _b, ...others } = (t ?? {}) as Record<string, unknown>
        return others
      }
      expect(strip(t1)).toEqual(strip(t0))
    })
  }

  it('merges addopts with existing options and replaces a single-valued flag', async () => {
    const { after } = await editFile('hatch-full.toml')
    expect(after.toString()).toContain('addopts = "-ra -q --cov=pkg --cov-fail-under=80"')
  })

  it('a second identical edit proposes nothing', async () => {
    const p = await plan('inline-tables.toml')
    const entry = p.blocks.find((b) => b.node?.name === 'project')!
    const first = await editWithScript(blockScript(p.template, entry.block)!, {
      intent: INTENT,
      node: context(p, entry.block, entry.node, PROJECT_PLAN, []),
    })
    expect(first.proposed).not.toBeNull()
    const again = await editWithScript(blockScript(p.template, entry.block)!, {
      intent: INTENT,
      node: { ...context(p, entry.block, entry.node, PROJECT_PLAN, []), text: Buffer.from(first.proposed!) },
    })
    expect(again.proposed).toBeNull()
    expect(again.summary).toBe('no change')
  })

  it('a reply that breaks its schema fails the edit instead of being trusted', async () => {
    const p = await plan('hatch-full.toml')
    const entry = p.blocks.find((b) => b.block.name === 'tests')!
    const bad = { pytest_addopts: 'rm -rf /' }
    const run = editWithScript(blockScript(p.template, entry.block)!, {
      intent: INTENT,
      node: context(p, entry.block, entry.node, bad, []),
    })
    await expect(run).rejects.toSatisfy(
      (err: unknown) => isGrailError(err, 'ExternalError') && /tests_config/.test(String(err)),
    )
  })

  it('with no model configured, an edit fails clearly', async () => {
    const p = await plan('hatch-full.toml')
    const entry = p.blocks.find((b) => b.block.name === 'project')!
    const node = context(p, entry.block, entry.node, {}, [])
    delete node.askModel
    await expect(
      editWithScript(blockScript(p.template, entry.block)!, { intent: INTENT, node }),
    ).rejects.toThrow(/needs a model and none is configured/)
  })
})
