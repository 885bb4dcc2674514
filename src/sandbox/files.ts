import { lstat, mkdir, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fail } from '../errors/index.js'

/** Throws SYMLINK_OUTSIDE if any existing component of `rel` under `root` is a symlink. */
export async function assertNoSymlink(root: string, rel: string): Promise<void> {
  let at = root
  for (const part of rel.split('/')) {
    at = join(at, part)
    const st = await lstat(at).catch(() => null)
    if (!st) return
    if (st.isSymbolicLink()) {
      throw fail(
        'SYMLINK_OUTSIDE',
        `${rel} goes through a symlink in the sandbox`,
        'Sandboxes hold regular files only; write the file itself.',
        { path: rel },
      )
    }
  }
}

/** mkdir -p for the parent of `rel`, refusing symlinked components. */
export async function ensureParent(root: string, rel: string): Promise<void> {
  const i = rel.lastIndexOf('/')
  if (i < 0) return
  await assertNoSymlink(root, rel.slice(0, i))
  await mkdir(join(root, rel.slice(0, i)), { recursive: true })
}

/** Regular files under `dir` (relative to `root`), skipping the worktree's `.git` pointer. */
export async function walkFiles(root: string, dir: string): Promise<string[]> {
  const out: string[] = []
  const visit = async (rel: string): Promise<void> => {
    const entries = await readdir(join(root, rel), { withFileTypes: true }).catch(() => [])
    for (const e of entries) {
      const child = rel === '' ? e.name : `${rel}/${e.name}`
      if (child === '.git') continue
      if (e.isDirectory()) await visit(child)
      else if (e.isFile()) out.push(child)
    }
  }
  await visit(dir.replace(/\/$/, ''))
  return out
}
