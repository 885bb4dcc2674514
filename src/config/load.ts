import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parse as parseToml, TomlError } from 'smol-toml'
import { fail } from '../errors/index.js'
import { type Config, ConfigSchema } from './schema.js'

/** Path of the config file inside a repo. */
export const CONFIG_PATH = '.momentum/config.toml'

/** Reads and validates `.momentum/config.toml`; a missing file yields the defaults. */
export async function loadConfig(repoRoot: string): Promise<Config> {
  const file = join(repoRoot, CONFIG_PATH)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return ConfigSchema.parse({})
    throw err
  }
  return parseConfigText(text, CONFIG_PATH)
}

/** Validates config text; errors name the file, the line when known, and the offending key. */
export function parseConfigText(text: string, label: string): Config {
  let raw: unknown
  try {
    raw = parseToml(text)
  } catch (err) {
    const line = err instanceof TomlError ? err.line : undefined
    throw fail(
      'CONFIG_INVALID',
      `${label}${line ? `:${line}` : ''}: not valid TOML (${(err as Error).message.split('\n')[0]})`,
      `Fix the TOML syntax in ${label}, or delete it to use the defaults.`,
      { file: label, line },
    )
  }
  const parsed = ConfigSchema.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    const key = issue.path.join('.')
    const line = key ? findKeyLine(text, String(issue.path[issue.path.length - 1])) : undefined
    throw fail(
      'CONFIG_INVALID',
      `${label}${line ? `:${line}` : ''}: ${key || '(root)'}: ${issue.message}`,
      `Correct "${key}" in ${label}; \`git momentum init\` writes a commented example.`,
      { file: label, key, line },
    )
  }
  return parsed.data
}

function findKeyLine(text: string, key: string): number | undefined {
  const lines = text.split('\n')
  const index = lines.findIndex((l) =>
    new RegExp(`^\\s*${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*=`).test(l),
  )
  return index >= 0 ? index + 1 : undefined
}
