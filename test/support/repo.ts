import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { dir } from 'tmp-promise'

/** A throwaway git repository for integration tests. */
export interface TempRepo {
  path: string
  git: (...args: string[]) => string
  write: (rel: string, content: string | Buffer) => void
  commitAll: (message: string) => string
  cleanup: () => Promise<void>
}

/**
 * Makes a real repo: identity set, signing off, auto-gc off (auto-gc races with cleanup),
 * default branch main. Files given are committed as the first commit.
 */
export async function makeRepo(
  files: Record<string, string | Buffer> = {},
  opts: { commit?: boolean } = {},
): Promise<TempRepo> {
  const tmp = await dir({ unsafeCleanup: true, prefix: 'momentum-test-' })
  const path = tmp.path
  const env = { ...process.env, LC_ALL: 'C', GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0' }
  const git = (...args: string[]): string =>
    execFileSync('git', args, { cwd: path, env, encoding: 'utf8' }).trimEnd()
  git('init', '-q', '-b', 'main')
  git('config', 'user.name', 'Momentum Test')
  git('config', 'user.email', 'test@momentum.invalid')
  git('config', 'commit.gpgsign', 'false')
  git('config', 'tag.gpgsign', 'false')
  git('config', 'gc.auto', '0')
  git('config', 'core.autocrlf', 'false')
  const write = (rel: string, content: string | Buffer): void => {
    const full = join(path, rel)
    mkdirSync(dirname(full), { recursive: true })
    writeFileSync(full, content)
  }
  const commitAll = (message: string): string => {
    git('add', '-A')
    git('commit', '-q', '-m', message)
    return git('rev-parse', 'HEAD')
  }
  for (const [rel, content] of Object.entries(files)) write(rel, content)
  if (opts.commit !== false && Object.keys(files).length > 0) commitAll('initial')
  return { path, git, write, commitAll, cleanup: () => tmp.cleanup() }
}
