import { fail } from '../errors/index.js'
import type { LoadedTemplate } from '../templates/load.js'
import { mergeVars, resolveBlocks } from '../templates/render.js'
import type { TemplateVars } from '../templates/schema.js'
import { templateForNode } from '../templates/select.js'

/**
 * `--set key=value` arrives as strings; a template declares its variables' types by their defaults.
 * Lists take comma-separated items, numbers and booleans parse, and JSON text is read as JSON.
 */
export function coerceVars(template: LoadedTemplate, raw: Record<string, string>): TemplateVars {
  const out: TemplateVars = {}
  for (const [key, value] of Object.entries(raw)) {
    const like = template.vars[key]
    const trimmed = value.trim()
    if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
      try {
        out[key] = JSON.parse(trimmed) as TemplateVars[string]
        continue
      } catch {
        // Not JSON after all: fall through to the typed reading.
      }
    }
    if (Array.isArray(like)) {
      out[key] =
        trimmed === ''
          ? []
          : trimmed
              .split(',')
              .map((s) => s.trim())
              .filter((s) => s !== '')
    } else if (typeof like === 'number' && trimmed !== '' && Number.isFinite(Number(trimmed))) {
      out[key] = Number(trimmed)
    } else if (typeof like === 'boolean' && (trimmed === 'true' || trimmed === 'false')) {
      out[key] = trimmed === 'true'
    } else out[key] = value
  }
  return out
}

/**
 * The skeleton a file agent renders and commits before its children work: the template's own
 * regions (docstring, imports, ...). A class template is wrapped in its file: the module template's
 * regions, then `class <class_name>:` with the class regions as its body. Required blocks are NOT
 * rendered here: they are missing on purpose, so each becomes its own (concurrent) agent.
 */
export function renderSkeleton(
  template: LoadedTemplate,
  templates: readonly LoadedTemplate[],
  path: string,
  vars: TemplateVars,
): string {
  const regions = (t: LoadedTemplate): string[] =>
    resolveBlocks(t, mergeVars(t, vars), t.name)
      .filter((b) => b.block.select.kind.includes('region'))
      .map((b) => b.skeleton.replace(/^\n+|\n+$/g, ''))
      .filter((s) => s.trim() !== '')
  const kinds = template.applies_to.kind ?? []
  if (kinds.includes('class')) {
    const all = mergeVars(template, vars)
    const name = typeof all.class_name === 'string' ? all.class_name : ''
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw fail(
        'USAGE',
        `class_name "${name}" is not a Python identifier`,
        'Pass --set class_name=SomeName.',
        { class_name: name },
      )
    }
    const module = templateForNode(templates, { kind: 'file', path })
    const head = module && module !== template ? regions(module) : []
    const body = regions(template)
      .map((r) =>
        r
          .split('\n')
          .map((l) => (l.trim() === '' ? '' : `    ${l}`))
          .join('\n'),
      )
      .join('\n\n')
    const cls = `class ${name}:\n${body || '    pass'}\n`
    return head.length > 0 ? `${head.join('\n\n')}\n\n\n${cls}` : cls
  }
  const text = regions(template).join('\n\n')
  return text === '' ? '' : `${text}\n`
}
