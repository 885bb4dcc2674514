import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { relative } from 'node:path'
import { parse as parseToml, TomlError } from 'smol-toml'
import type { z } from 'zod'
import { fail } from '../errors/index.js'
import { tomlKeyLine } from '../syntax/toml-index.js'
import {
  type FoundFile,
  findIn,
  listIn,
  type Origin,
  scriptDirs,
  TEMPLATE_SUFFIX,
  templateDirs,
} from './paths.js'
import { type Template, TemplateSchema } from './schema.js'

/** A validated template plus where it came from and the resolved file of every script it names. */
export interface LoadedTemplate extends Template {
  file: string
  origin: Origin
  /** Script name (as written, with .pym) -> resolved file. */
  scripts: Record<string, FoundFile>
}

/** Where to look: the repo root (for `.momentum/` overrides) or null for built-ins only. */
export interface LookupOptions {
  repoRoot: string | null
}

const parsed = new Map<string, Template>()

/** Shown in messages: relative to the repo or the cwd when shorter. */
export function displayPath(file: string, repoRoot: string | null = null): string {
  const base = repoRoot ?? process.cwd()
  const rel = relative(base, file)
  return rel.startsWith('..') || rel === '' ? file : rel
}

/** Parses and validates template text; errors name the file and the line of the offending key. */
export function parseTemplate(source: string, label: string): Template {
  const key = createHash('sha256').update(label).update('\0').update(source).digest('hex')
  const cached = parsed.get(key)
  if (cached) return cached
  let raw: Record<string, unknown>
  try {
    raw = parseToml(source)
  } catch (err) {
    const line = err instanceof TomlError ? err.line : 1
    const col = err instanceof TomlError ? err.column : 1
    const msg = (err instanceof Error ? err.message : String(err)).split('\n')[0]
    throw fail(
      'TEMPLATE_INVALID',
      `${label}:${line}:${col}: TOML syntax error: ${msg}`,
      `Fix the TOML at ${label}:${line} (see docs/scripts.md for the template format).`,
      { file: label, line, column: col, detail: `TOML syntax error: ${msg}` },
    )
  }
  const result = TemplateSchema.safeParse(raw)
  if (!result.success) throw templateIssue(source, label, result.error)
  const expected = label.replace(/^.*[\\/]/, '').replace(TEMPLATE_SUFFIX, '')
  if (label.endsWith(TEMPLATE_SUFFIX) && result.data.name !== expected) {
    const line = tomlKeyLine(Buffer.from(source), ['name']) ?? 1
    throw fail(
      'TEMPLATE_INVALID',
      `${label}:${line}: name "${result.data.name}" does not match the file name`,
      `Set name = "${expected}" or rename the file to ${result.data.name}${TEMPLATE_SUFFIX}.`,
      { file: label, line, detail: `name "${result.data.name}" does not match the file name` },
    )
  }
  parsed.set(key, result.data)
  return result.data
}

function templateIssue(source: string, label: string, error: z.ZodError): Error {
  const issue = error.issues[0]!
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol')
  // An unknown key is reported on its table; point at the key itself.
  if (issue.code === 'unrecognized_keys' && issue.keys[0] !== undefined) path.push(issue.keys[0])
  const line = tomlKeyLine(Buffer.from(source), path) ?? 1
  const at = path.length > 0 ? `${formatPath(path)}: ` : ''
  return fail('TEMPLATE_INVALID', `${label}:${line}: ${at}${issue.message}`, fixHint(path), {
    file: label,
    line,
    path: formatPath(path),
    issues: error.issues.length,
    detail: `${at}${issue.message}`,
  })
}

function formatPath(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('')
}

function fixHint(path: readonly (string | number)[]): string {
  const last = path[path.length - 1]
  if (last === 'kind')
    return 'Use a node kind: file, class, function, method, toml_table, toml_pair, md_section or region.'
  if (last === 'validators' || path[0] === 'validators') {
    return 'Use validators from: toml, pyproject-schema, pep508, ruff, pyright, markdown, commands.'
  }
  if (last === 'insert' || path.includes('insert')) {
    return 'insert is { at = "end-of-body" | "start-of-body" | "end-of-file" | "after-last", kind?, namePattern? }.'
  }
  return 'Fix that key (see docs/scripts.md for the template format); unknown keys are rejected to catch typos.'
}

/** Reads, parses and validates one template file (no script resolution). */
export async function loadTemplateFile(file: string, repoRoot: string | null = null): Promise<Template> {
  const source = await readFile(file, 'utf8')
  return parseTemplate(source, displayPath(file, repoRoot))
}

/** Every script name a template refers to, with the key path that names it (for error lines). */
export function scriptRefs(t: Template): { name: string; path: (string | number)[] }[] {
  const refs: { name: string; path: (string | number)[] }[] = []
  if (t.script) refs.push({ name: t.script, path: ['script'] })
  t.blocks.forEach((b, i) => {
    if (b.script) refs.push({ name: b.script, path: ['blocks', i, 'script'] })
  })
  return refs
}

/** Finds a .pym by name: `.momentum/grail/`, `.momentum/scripts/`, then built-in `grail/`. */
export async function resolveScript(name: string, opts: LookupOptions): Promise<FoundFile> {
  const fileName = name.endsWith('.pym') ? name : `${name}.pym`
  const found = await findIn(scriptDirs(opts.repoRoot), fileName)
  if (found) return found
  throw fail(
    'SCRIPT_NOT_FOUND',
    `script ${fileName} not found`,
    `Create .momentum/grail/${fileName}, or name one of the built-in scripts in grail/.`,
    { script: fileName },
  )
}

/** Loads a template file and resolves its scripts; a missing script is an error naming file and line. */
export async function loadTemplateAt(found: FoundFile, opts: LookupOptions): Promise<LoadedTemplate> {
  const source = await readFile(found.file, 'utf8')
  const label = displayPath(found.file, opts.repoRoot)
  const t = parseTemplate(source, label)
  const scripts: Record<string, FoundFile> = {}
  for (const ref of scriptRefs(t)) {
    if (scripts[ref.name]) continue
    try {
      scripts[ref.name] = await resolveScript(ref.name, opts)
    } catch {
      const line = tomlKeyLine(Buffer.from(source), ref.path) ?? 1
      throw fail(
        'SCRIPT_NOT_FOUND',
        `${label}:${line}: script ${ref.name} not found`,
        `Create .momentum/grail/${ref.name} (or fix the name); built-in scripts live in grail/.`,
        { file: label, line, script: ref.name, detail: `script ${ref.name} not found` },
      )
    }
  }
  return { ...t, file: found.file, origin: found.origin, scripts }
}

/** Loads a template by name: `.momentum/templates/<name>.template.toml` first, then the built-in one. */
export async function loadTemplate(name: string, opts: LookupOptions): Promise<LoadedTemplate> {
  const found = await findIn(templateDirs(opts.repoRoot), `${name}${TEMPLATE_SUFFIX}`)
  if (!found) {
    const known = (await listTemplates(opts)).map((t) => t.name)
    throw fail(
      'TEMPLATE_NOT_FOUND',
      `template "${name}" not found`,
      `Use one of: ${known.join(', ') || '(none)'}; or add .momentum/templates/${name}${TEMPLATE_SUFFIX}.`,
      { template: name },
    )
  }
  return loadTemplateAt(found, opts)
}

/** Every template the repo can use, overrides shadowing built-ins of the same name. */
export async function listTemplates(opts: LookupOptions): Promise<(FoundFile & { name: string })[]> {
  return listIn(templateDirs(opts.repoRoot), TEMPLATE_SUFFIX)
}

/** Every template loaded (overrides first); the first broken one throws. */
export async function loadAllTemplates(opts: LookupOptions): Promise<LoadedTemplate[]> {
  const out: LoadedTemplate[] = []
  for (const t of await listTemplates(opts)) out.push(await loadTemplateAt(t, opts))
  return out
}
