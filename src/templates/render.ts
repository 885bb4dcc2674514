import nunjucks from 'nunjucks'
import { fail } from '../errors/index.js'
import type { BlockSpec, Template, TemplateVars } from './schema.js'

// One environment: no loader (skeletons are strings), no HTML escaping, and an undefined
// variable is an error rather than an empty string silently written into someone's file.
const env = new nunjucks.Environment(null, {
  autoescape: false,
  throwOnUndefined: true,
  trimBlocks: true,
  lstripBlocks: true,
})

// Compiling is what costs (a 64-method class re-renders the same few skeletons ~200 times, which
// took ~200 ms of main thread uncached); the sources are template text, so the set stays small.
const compiled = new Map<string, nunjucks.Template>()
const COMPILED_MAX = 1024

function compiledFor(source: string): nunjucks.Template {
  const known = compiled.get(source)
  if (known) return known
  const made = new nunjucks.Template(source, env, undefined, true)
  if (compiled.size >= COMPILED_MAX) compiled.clear()
  compiled.set(source, made)
  return made
}

/** Renders Jinja-style text with variables; errors name the label and the template line. */
export function renderText(source: string, vars: TemplateVars, label: string): string {
  if (!source.includes('{{') && !source.includes('{%') && !source.includes('{#')) return source
  try {
    return compiledFor(source).render(vars)
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err)
    const pos = /\[Line (\d+), Column (\d+)\]/.exec(msg)
    const detail = msg
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('Template render error') && !l.startsWith('(unknown path)'))
      .join(' ')
    const at = pos ? ` (skeleton line ${pos[1]}, column ${pos[2]})` : ''
    const unknown = undeclared(source, vars)
    const which = unknown.length > 0 ? `undefined variable ${unknown.join(', ')}` : detail
    throw fail(
      'TEMPLATE_INVALID',
      `${label}: cannot render${at}: ${which}`,
      `Declare ${unknown.length > 0 ? unknown.join(', ') : 'every variable the skeleton uses'} under [vars] (or pass it with --set key=value).`,
      { label },
      err,
    )
  }
}

/** Top-level names output by `{{ name ... }}` that the variables do not define (loop names aside). */
function undeclared(source: string, vars: TemplateVars): string[] {
  const loopVars = new Set([...source.matchAll(/\{%-?\s*for\s+([A-Za-z_]\w*)/g)].map((m) => m[1]))
  const names = [...source.matchAll(/\{\{-?\s*([A-Za-z_]\w*)/g)].map((m) => m[1] ?? '')
  return [...new Set(names)].filter((n) => !(n in vars) && !loopVars.has(n) && n !== 'loop')
}

/** A block with its variables applied: a repeated block becomes one resolved block per item. */
export interface ResolvedBlock {
  /** Block name; repeated blocks are '<block>:<item name>'. */
  name: string
  block: BlockSpec
  /** Name globs after rendering (empty list: any name). */
  names: string[]
  excludes: string[]
  /** Variables the skeleton and the script see (template vars + block vars + item). */
  vars: TemplateVars
  /** The rendered skeleton text. */
  skeleton: string
}

/** Template defaults, overridden by caller variables; `--set` values arrive as strings. */
export function mergeVars(template: Template, overrides: TemplateVars = {}): TemplateVars {
  return { ...template.vars, vote_with_model: template.vote_with_model, ...overrides }
}

function itemVar(item: TemplateVars[string]): TemplateVars[string] {
  return typeof item === 'string' ? { name: item } : item
}

function itemName(item: TemplateVars[string], i: number): string {
  if (item !== null && typeof item === 'object' && !Array.isArray(item) && typeof item.name === 'string') {
    return item.name
  }
  return typeof item === 'string' ? item : String(i)
}

/** Applies variables to every block, expanding `repeat` blocks over their list variable, in `order`. */
export function resolveBlocks(
  template: Template,
  vars: TemplateVars,
  label = template.name,
): ResolvedBlock[] {
  const out: ResolvedBlock[] = []
  const blocks = [...template.blocks].sort((a, b) => a.order - b.order)
  for (const block of blocks) {
    const base: TemplateVars = { ...vars, ...block.vars }
    if (block.vote_with_model !== undefined) base.vote_with_model = block.vote_with_model
    const instances: { name: string; vars: TemplateVars }[] = []
    if (block.repeat === undefined) instances.push({ name: block.name, vars: base })
    else {
      const list = vars[block.repeat]
      if (!Array.isArray(list)) {
        throw fail(
          'TEMPLATE_INVALID',
          `${label}: block "${block.name}" repeats over vars.${block.repeat}, which is not a list`,
          `Set vars.${block.repeat} to a list, e.g. --set ${block.repeat}=a,b,c.`,
          { template: template.name, block: block.name },
        )
      }
      list.forEach((item, i) => {
        instances.push({ name: `${block.name}:${itemName(item, i)}`, vars: { ...base, item: itemVar(item) } })
      })
    }
    for (const inst of instances) {
      const where = `${label} block ${inst.name}`
      out.push({
        name: inst.name,
        block,
        names: (block.select.name ?? []).map((n) => renderText(n, inst.vars, where)),
        excludes: (block.select.exclude ?? []).map((n) => renderText(n, inst.vars, where)),
        vars: inst.vars,
        skeleton: renderText(block.skeleton, inst.vars, where),
      })
    }
  }
  return out
}
