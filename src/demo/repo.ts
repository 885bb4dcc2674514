import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fail } from '../errors/index.js'
import { runGit } from '../git/exec.js'
import { Git } from '../git/index.js'
import { DEMO_CASSETTE, DEMO_FILES, demoConfig } from './scenario.js'

/** A fixed identity and date for the scratch repo's first commit, so its history reads the same everywhere. */
const DEMO_ENV = {
  GIT_AUTHOR_NAME: 'git-momentum demo',
  GIT_AUTHOR_EMAIL: 'demo@momentum.invalid',
  GIT_COMMITTER_NAME: 'git-momentum demo',
  GIT_COMMITTER_EMAIL: 'demo@momentum.invalid',
  GIT_AUTHOR_DATE: '2026-01-01T12:00:00Z',
  GIT_COMMITTER_DATE: '2026-01-01T12:00:00Z',
}

/** Picks the scratch directory: `dir` (must be empty or absent) or a new temp dir. */
export async function scratchDir(dir: string | null): Promise<{ path: string; temporary: boolean }> {
  if (dir === null) return { path: await mkdtemp(join(tmpdir(), 'git-momentum-demo-')), temporary: true }
  const path = resolve(dir)
  if (existsSync(path) && (await readdir(path)).length > 0) {
    throw fail(
      'ALREADY_EXISTS',
      `${path} is not empty; the demo only writes into a new or empty directory`,
      'Pick another --dir, or leave --dir out to use a fresh temporary directory.',
      { dir: path },
    )
  }
  await mkdir(path, { recursive: true })
  return { path, temporary: false }
}

/**
 * Creates the scratch repo: the demo package and a config that replays (or records) the bundled
 * cassette, committed as one first commit on `main`. The cassette itself is git-ignored.
 */
export async function createDemoRepo(path: string, mode: 'replay' | 'record'): Promise<Git> {
  await runGit(['init', '-q', '-b', 'main'], { cwd: path })
  const git = await Git.open(path)
  await git.run(['config', 'user.name', DEMO_ENV.GIT_AUTHOR_NAME])
  await git.run(['config', 'user.email', DEMO_ENV.GIT_AUTHOR_EMAIL])
  await git.run(['config', 'commit.gpgsign', 'false'])
  const files: Record<string, string> = {
    ...DEMO_FILES,
    '.gitignore': '__pycache__/\n.momentum/cassettes/\n',
    '.momentum/config.toml': demoConfig(mode),
  }
  for (const [rel, text] of Object.entries(files)) {
    const full = join(path, rel)
    await mkdir(dirname(full), { recursive: true })
    await writeFile(full, text)
  }
  await mkdir(join(path, dirname(DEMO_CASSETTE)), { recursive: true })
  await git.run(['add', '-A'])
  await git.run(['commit', '-q', '-m', 'invoicer 0.3.1'], { env: DEMO_ENV })
  return git
}
