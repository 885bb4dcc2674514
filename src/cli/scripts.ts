import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { ERROR_CODES, RUN_EXIT } from '../errors/index.js'
import { checkTemplatesAndScripts, hasErrors } from '../templates/check.js'
import type { CommandResult, GlobalOptions } from './output.js'

/** The repo root for `.momentum/` lookups: the nearest ancestor holding `.git`, else the directory itself. */
function findRepoRoot(cwd: string): string {
  let dir = resolve(cwd)
  for (;;) {
    if (existsSync(join(dir, '.git'))) return dir
    const up = dirname(dir)
    if (up === dir) return resolve(cwd)
    dir = up
  }
}

/** `git momentum scripts check [paths..]`: Grail checks on every .pym and template the repo would use. */
export async function scriptsCheckCommand(
  argv: Record<string, unknown>,
  opts: GlobalOptions,
): Promise<CommandResult> {
  const paths = Array.isArray(argv.paths) ? argv.paths.filter((p): p is string => typeof p === 'string') : []
  const repoRoot = findRepoRoot(opts.cwd)
  const report = await checkTemplatesAndScripts({ repoRoot, paths, cwd: opts.cwd })
  const errors = report.diagnostics.filter((d) => d.severity === 'error').length
  const warnings = report.diagnostics.length - errors
  const human = report.diagnostics.map((d) => `${d.file}:${d.line}:${d.col} ${d.code} ${d.message}`)
  human.push(
    `${report.files.length} file(s) checked: ${errors} error(s), ${warnings} warning(s)` +
      (errors > 0 ? ' — fix the errors above; a run will not start while any remain' : ''),
  )
  return {
    exitCode: hasErrors(report) ? ERROR_CODES.SCRIPT_CHECK_FAILED.exit : RUN_EXIT.ok,
    json: { files: report.files, diagnostics: report.diagnostics, errors, warnings },
    human,
  }
}
