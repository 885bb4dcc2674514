import { describe, expect, it } from 'vitest'
import type { NodeContext } from '../../../src/templates/externals.js'
import { loadTemplate } from '../../../src/templates/load.js'
import { mergeVars, resolveBlocks } from '../../../src/templates/render.js'
import {
  blockScript,
  editWithScript,
  type ScriptChoice,
  voteWithScript,
} from '../../../src/templates/run-block.js'

async function choice(
  template: string,
  block: string,
  vars: Record<string, unknown> = {},
): Promise<ScriptChoice> {
  const t = await loadTemplate(template, { repoRoot: null })
  const resolved = resolveBlocks(t, mergeVars(t, vars as never)).find((b) => b.name === block)
  if (!resolved) throw new Error(`no block ${block}`)
  return blockScript(t, resolved)!
}

const METHOD = 'def calculate_total(self) -> float:\n        return sum(self.prices)\n'

function node(
  text: string,
  info: Record<string, unknown>,
  reply?: unknown,
  prompts: string[] = [],
): NodeContext {
  return {
    text: Buffer.from(text),
    info,
    parentOutline: 'class Cart:\n  def __init__\n  def calculate_total\n  def clear',
    siblingNames: ['__init__', 'clear'],
    ...(reply === undefined
      ? {}
      : {
          askModel: async (prompt: string, kind: string) => {
            prompts.push(`${kind}: ${prompt}`)
            return reply
          },
        }),
  }
}

describe('python scripts', () => {
  it('vote deterministically on names without a model', async () => {
    const c = await choice('python-class', 'other-methods')
    const info = { kind: 'method', name: 'calculate_total', missing: false }
    const named = await voteWithScript(c, {
      intent: 'make calculate_total round to cents',
      node: node(METHOD, info),
    })
    const parts = await voteWithScript(c, {
      intent: 'calculate the total with discounts',
      node: node(METHOD, info),
    })
    const other = await voteWithScript(c, {
      intent: 'rename the clear method to reset',
      node: node(METHOD, info),
    })
    expect(named.score).toBeGreaterThanOrEqual(0.9)
    expect(parts.score).toBeGreaterThanOrEqual(0.5)
    expect(other.score).toBeLessThan(0.5)
    expect(named.modelCalls + parts.modelCalls + other.modelCalls).toBe(0)
  })

  it('ask the model when the template says so, and keep the higher score', async () => {
    const c = await choice('python-class', 'other-methods')
    const withModel = { ...c, vars: { ...c.vars, vote_with_model: true } }
    const prompts: string[] = []
    const info = { kind: 'method', name: 'calculate_total', missing: false }
    const v = await voteWithScript(withModel, {
      intent: 'prices should include tax',
      node: node(METHOD, info, { relevance: 0.8, reason: 'totals prices' }, prompts),
    })
    expect(v.score).toBe(0.8)
    expect(prompts[0]).toMatch(/^vote: .*calculate_total/s)
  })

  it('generate a spec method: the missing block votes to act and proposes the model code', async () => {
    const c = await choice('python-class', 'method:total', { methods: ['total'] })
    const info = { kind: 'method', name: 'total', missing: true }
    expect(
      (await voteWithScript(c, { intent: 'generate the cart class', node: node('', info) })).score,
    ).toBeGreaterThan(0.5)
    const code = 'def total(self) -> float:\n    return 0.0\n'
    const prompts: string[] = []
    const res = await editWithScript(c, {
      intent: 'generate the cart class',
      node: node(
        'def total(self):\n    raise NotImplementedError\n',
        info,
        { code: `\`\`\`python\n${code}\`\`\`` },
        prompts,
      ),
    })
    expect(res.proposed).toBe(code)
    // The script's own words; the reply shape is the host's framing (buildMessages).
    expect(prompts[0]).toMatch(/^code: .*does not exist yet/s)
  })

  it('module and class scripts vote on their definitions', async () => {
    const mod = await loadTemplate('python-module', { repoRoot: null })
    const modChoice = {
      file: mod.scripts['python_module.pym']!.file,
      limits: mod.limits,
      vars: mergeVars(mod),
    }
    const src =
      '"""Carts."""\nimport math\n\n\nclass Cart:\n    pass\n\n\ndef checkout(cart):\n    return cart\n'
    const info = { kind: 'file', name: 'cart.py', path: 'shop/cart.py' }
    expect(
      (await voteWithScript(modChoice, { intent: 'fix checkout', node: node(src, info) })).score,
    ).toBeGreaterThan(0.5)
    expect(
      (await voteWithScript(modChoice, { intent: 'sort the imports', node: node(src, info) })).score,
    ).toBeGreaterThan(0.5)
    expect(
      (await voteWithScript(modChoice, { intent: 'bump the ruff version', node: node(src, info) })).score,
    ).toBeLessThan(0.5)
    const cls = await choice('python-module', 'classes')
    const cinfo = { kind: 'class', name: 'Cart', missing: false }
    const csrc = 'class Cart:\n    def add_item(self, item):\n        pass\n'
    expect(
      (await voteWithScript(cls, { intent: 'add_item should reject None', node: node(csrc, cinfo) })).score,
    ).toBeGreaterThan(0.5)
    expect(
      (await voteWithScript(cls, { intent: 'update the README', node: node(csrc, cinfo) })).score,
    ).toBeLessThan(0.5)
  })
})

describe('markdown scripts', () => {
  it('sections vote on their heading and block keywords; edits propose the model markdown', async () => {
    const c = await choice('readme', 'install')
    const info = { kind: 'md_section', name: 'Installation', missing: false }
    const text = '## Installation\n\npip install acme\n'
    expect(
      (await voteWithScript(c, { intent: 'document installing with pipx', node: node(text, info) })).score,
    ).toBeGreaterThan(0.5)
    expect(
      (await voteWithScript(c, { intent: 'switch the license to Apache-2.0', node: node(text, info) })).score,
    ).toBeLessThan(0.5)
    const lic = await choice('readme', 'license')
    const linfo = { kind: 'md_section', name: 'License', missing: false }
    expect(
      (
        await voteWithScript(lic, {
          intent: 'switch the license to Apache-2.0',
          node: node('## License\n\nMIT\n', linfo),
        })
      ).score,
    ).toBeGreaterThan(0.5)
    const res = await editWithScript(lic, {
      intent: 'switch the license to Apache-2.0',
      node: node('## License\n\nMIT\n', linfo, { markdown: '## License\n\nApache-2.0' }),
    })
    expect(res.proposed).toBe('## License\n\nApache-2.0\n')
  })
})
