import { mkdir, readFile, realpath, rm, writeFile } from 'node:fs/promises'
import { basename, isAbsolute, join, relative, resolve } from 'node:path'
import { fail } from '../errors/index.js'
import type { Git } from './git.js'
import { refNameProblem } from './refname.js'

/**
 * Adds a worktree for an existing branch without checking anything out (no index, no files).
 *
 * This writes what `git worktree add --no-checkout` writes (gitrepository-layout(5): an admin dir
 * `<common-dir>/worktrees/<id>` holding `gitdir`, `commondir` and `HEAD`, and a `.git` file in the
 * worktree pointing back), the mirror of removeWorktree below. `git worktree add` scans every other
 * worktree first, so with a run's sandboxes all being created at once its cost grew with their
 * number, and each one is a process; git reads the result exactly as its own (`git worktree list`,
 * prune and fsck are tested against it).
 */
export async function addBareWorktree(git: Git, dir: string, branch: string): Promise<void> {
  const ref = `refs/heads/${branch}`
  const problem = refNameProblem(ref)
  if (problem)
    throw fail('BAD_REF_NAME', `ref name ${ref} ${problem}`, 'This is a bug in git-momentum.', { ref })
  await mkdir(dir)
  const top = await realpath(dir)
  const adminRoot = join(git.commonDir, 'worktrees')
  await mkdir(adminRoot, { recursive: true })
  let admin = ''
  // git's own rule for the id: the directory's name, with a number appended while it is taken.
  for (let n = 0; admin === ''; n++) {
    const candidate = join(adminRoot, `${basename(top)}${n === 0 ? '' : n}`)
    try {
      await mkdir(candidate)
      admin = candidate
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || n > 1000) throw e
    }
  }
  try {
    // Locked while half-written, so a concurrent `git worktree prune` leaves it alone.
    await writeFile(join(admin, 'locked'), 'initializing')
    await writeFile(join(admin, 'commondir'), '../..\n')
    await writeFile(join(admin, 'HEAD'), `ref: ${ref}\n`)
    await writeFile(join(admin, 'gitdir'), `${join(top, '.git')}\n`)
    await writeFile(join(top, '.git'), `gitdir: ${admin}\n`)
    await rm(join(admin, 'locked'))
  } catch (e) {
    await rm(admin, { recursive: true, force: true })
    throw e
  }
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
