import { readFile, rm } from 'node:fs/promises'
import { isAbsolute, relative, resolve } from 'node:path'
import type { Git } from './git.js'

/** Adds a worktree for an existing branch without checking anything out (no index, no files). */
export async function addBareWorktree(git: Git, dir: string, branch: string): Promise<void> {
  await git.run(['worktree', 'add', '--no-checkout', '--quiet', '--end-of-options', dir, branch])
}

/**
 * Removes a worktree's directory and its admin dir under `<common-dir>/worktrees/`. This is what
 * `git worktree remove --force` does for an unlocked worktree; doing it directly avoids a status
 * scan (our worktrees have no index, so git would see every file as deleted) and is idempotent.
 */
export async function removeWorktree(git: Git, dir: string): Promise<boolean> {
  let admin: string | null = null
  try {
    const pointer = (await readFile(resolve(dir, '.git'), 'utf8')).trim()
    if (pointer.startsWith('gitdir: ')) admin = resolve(dir, pointer.slice('gitdir: '.length))
  } catch {
    admin = null
  }
  const adminRoot = resolve(git.commonDir, 'worktrees')
  const rel = admin ? relative(adminRoot, admin) : ''
  const existed = admin !== null
  // Only ever delete an admin dir that really is one of git's worktree entries.
  if (admin && rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) && !rel.includes('/')) {
    await rm(admin, { recursive: true, force: true })
  }
  await rm(dir, { recursive: true, force: true })
  return existed
}

/** Lets git drop admin entries whose worktree directory is gone. */
export async function pruneWorktrees(git: Git): Promise<void> {
  await git.run(['worktree', 'prune'])
}

/** Worktree directories git knows about (porcelain, -z). */
export async function listWorktrees(git: Git): Promise<string[]> {
  const out = await git.run(['worktree', 'list', '--porcelain', '-z'])
  return out
    .split('\0')
    .filter((l) => l.startsWith('worktree '))
    .map((l) => l.slice('worktree '.length))
}
