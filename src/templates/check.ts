import { readdir, readFile, stat } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { isMomentumError } from '../errors/index.js'
import { checkPym, type Diagnostic } from '../grail/index.js'
import { tomlKeyLine } from '../syntax/toml-index.js'
import {
  displayPath,
  type LookupOptions,
  listTemplates,
  parseTemplate,
  resolveScript,
  scriptRefs,
} from './load.js'
import { listIn, scriptDirs, TEMPLATE_SUFFIX } from './paths.js'
import { mergeVars, resolveBlocks } from './render.js'
import type { Template } from './schema.js'

/** Result of checking templates and scripts: every file looked at and every finding. */
export interface CheckReport {
  files: string[]
  diagnostics: Diagnostic[]
}

/** Template finding codes (scripts use Grail's E/W codes). */
export const TEMPLATE_CODES = {
  T001: 'template does not parse or does not match the schema',
  T002: 'template names a script that does not exist',
  T003: 'a skeleton or selector does not render with the default variables',
  T004: 'path is neither a template (*.template.toml) nor a script (*.pym)',
} as const

/**
 * Checks every template and .pym the repo would use (overrides shadowing built-ins) or, when
 * paths are given, those files and directories plus the scripts the templates there refer to.
 */
export async function checkTemplatesAndScripts(
  opts: LookupOptions & { paths?: string[]; cwd?: string },
): Promise<CheckReport> {
  const cwd = opts.cwd ?? opts.repoRoot ?? process.cwd()
  const templates: string[] = []
  const scripts: string[] = []
  const diagnostics: Diagnostic[] = []
  if (opts.paths && opts.paths.length > 0) {
    for (const p of opts.paths) await collect(resolve(cwd, p), templates, scripts, diagnostics, opts.repoRoot)
  } else {
    templates.push(...(await listTemplates(opts)).map((t) => t.file))
    scripts.push(...(await listIn(scriptDirs(opts.repoRoot), '.pym')).map((s) => s.file))
  }
  for (const file of templates) {
    const refs = await checkTemplate(file, opts, diagnostics)
    for (const r of refs) if (!scripts.includes(r)) scripts.push(r)
  }
  for (const file of scripts) {
    const source = await readFile(file)
    diagnostics.push(...checkPym(displayPath(file, opts.repoRoot), source))
  }
  const files = [...templates, ...scripts].map((f) => displayPath(f, opts.repoRoot))
  return { files, diagnostics }
}

async function collect(
  path: string,
  templates: string[],
  scripts: string[],
  diagnostics: Diagnostic[],
  repoRoot: string | null,
): Promise<void> {
  let isDir = false
  try {
    isDir = (await stat(path)).isDirectory()
  } catch {
    diagnostics.push(
      diag(displayPath(path, repoRoot), 1, 'T004', 'no such file or directory', 'Check the path.'),
    )
    return
  }
  if (isDir) {
    for (const name of (await readdir(path)).sort()) {
      const child = join(path, name)
      if (name.endsWith(TEMPLATE_SUFFIX)) templates.push(child)
      else if (name.endsWith('.pym')) scripts.push(child)
      else if ((await stat(child)).isDirectory())
        await collect(child, templates, scripts, diagnostics, repoRoot)
    }
  } else if (path.endsWith(TEMPLATE_SUFFIX)) templates.push(path)
  else if (path.endsWith('.pym')) scripts.push(path)
  else {
    diagnostics.push(
      diag(
        displayPath(path, repoRoot),
        1,
        'T004',
        TEMPLATE_CODES.T004,
        'Name *.template.toml or *.pym files.',
      ),
    )
  }
}

function diag(file: string, line: number, code: string, message: string, hint: string): Diagnostic {
  return { file, line, col: 1, code, message, severity: 'error', hint }
}

/** Checks one template; returns the resolved files of the scripts it refers to. */
async function checkTemplate(file: string, opts: LookupOptions, out: Diagnostic[]): Promise<string[]> {
  const label = displayPath(file, opts.repoRoot)
  const source = await readFile(file, 'utf8')
  let t: Template
  try {
    t = parseTemplate(source, label)
  } catch (err) {
    if (!isMomentumError(err)) throw err
    const line = typeof err.data.line === 'number' ? err.data.line : 1
    const detail = typeof err.data.detail === 'string' ? err.data.detail : err.message
    out.push(diag(label, line, 'T001', detail, err.hint))
    return []
  }
  const found: string[] = []
  const bytes = Buffer.from(source)
  for (const ref of scriptRefs(t)) {
    try {
      const s = await resolveScript(ref.name, opts)
      if (!found.includes(s.file)) found.push(s.file)
    } catch {
      const line = tomlKeyLine(bytes, ref.path) ?? 1
      out.push(
        diag(
          label,
          line,
          'T002',
          `script ${ref.name} not found`,
          `Create .momentum/grail/${ref.name} or fix the name.`,
        ),
      )
    }
  }
  t.blocks.forEach((b, i) => {
    // Render each block alone, with a sample item for repeated blocks whose default list is empty.
    const list = b.repeat === undefined ? undefined : t.vars[b.repeat]
    const empty = b.repeat !== undefined && (!Array.isArray(list) || list.length === 0)
    const vars = mergeVars(t, empty && b.repeat ? { [b.repeat]: ['example'] } : {})
    try {
      resolveBlocks({ ...t, blocks: [b] }, vars, label)
    } catch (err) {
      if (!isMomentumError(err)) throw err
      const line = tomlKeyLine(bytes, ['blocks', i, 'skeleton']) ?? tomlKeyLine(bytes, ['blocks', i]) ?? 1
      out.push(diag(label, line, 'T003', err.message.replace(`${label} `, ''), err.hint))
    }
  })
  return found
}

/** Whether a report holds any error (warnings alone pass). */
export function hasErrors(report: CheckReport): boolean {
  return report.diagnostics.some((d) => d.severity === 'error')
}
