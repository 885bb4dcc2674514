import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { CONFIG_PATH } from '../config/load.js'
import { fail } from '../errors/index.js'
import { renderConfigTemplate } from './config-template.js'
import { openGit } from './context.js'
import type { CommandResult, GlobalOptions } from './output.js'

/** `--json` shape of `git momentum init`. */
export const InitJsonSchema = z.object({
  root: z.string().describe('repository root'),
  created: z.array(z.string()).describe('repo-relative paths written by this call'),
  kept: z.array(z.string()).describe('paths that already existed and were left untouched'),
})
/** Parsed `init --json` output. */
export type InitJson = z.infer<typeof InitJsonSchema>

/** Override folders a repo may fill; each gets a .gitkeep so git tracks it while empty. */
export const OVERRIDE_DIRS = ['.momentum/templates', '.momentum/grail', '.momentum/queries'] as const

/** Creates whatever of the scaffold is missing under `root`; never overwrites a file. */
export async function initRepo(root: string): Promise<InitJson> {
  const created: string[] = []
  const kept: string[] = []
  const want: [string, string][] = [
    [CONFIG_PATH, renderConfigTemplate()],
    ...OVERRIDE_DIRS.map((d): [string, string] => [`${d}/.gitkeep`, '']),
  ]
  for (const [rel, text] of want) {
    const full = join(root, rel)
    if (existsSync(full)) {
      kept.push(rel)
      continue
    }
    await mkdir(join(full, '..'), { recursive: true })
    // 'wx' fails if the file appeared meanwhile: init must never clobber anything.
    await writeFile(full, text, { flag: 'wx' })
    created.push(rel)
  }
  return { root, created, kept }
}

/** `git momentum init`: writes `.momentum/config.toml` (all options commented) and the override folders. */
export async function initCommand(
  _argv: Record<string, unknown>,
  opts: GlobalOptions,
): Promise<CommandResult> {
  const git = await openGit(opts.cwd)
  const result = await initRepo(git.root)
  if (result.created.length === 0) {
    throw fail(
      'ALREADY_EXISTS',
      `${CONFIG_PATH} and the override folders already exist; nothing was changed`,
      `Edit ${CONFIG_PATH} directly, or delete it and run \`git momentum init\` again for a fresh copy.`,
      { kept: result.kept },
    )
  }
  const human = [
    ...result.created.map((p) => `created ${p}`),
    ...result.kept.map((p) => `kept    ${p} (already exists, not overwritten)`),
    '',
    `Edit ${CONFIG_PATH} to choose a model ([model] base_url, model), then try \`git momentum plan "<intent>" .\``,
  ]
  return { exitCode: 0, json: result, human }
}
