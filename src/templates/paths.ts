import { existsSync } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** Where a template or script came from: the repo's `.momentum/` overrides or the package. */
export type Origin = 'repo' | 'builtin'

/** A file found by lookup. */
export interface FoundFile {
  file: string
  origin: Origin
}

/** Template files end with this suffix; the name is what comes before it. */
export const TEMPLATE_SUFFIX = '.template.toml'

/**
 * The package root (holding templates/ and grail/). This file sits in src/templates/ when run
 * from the sources and in dist/src/templates/ when built, so walk up until package.json appears.
 */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'templates'))) return dir
    dir = dirname(dir)
  }
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
}

/** Template directories in lookup order: the repo's overrides first, then the built-ins. */
export function templateDirs(repoRoot: string | null): FoundDir[] {
  const dirs: FoundDir[] = []
  if (repoRoot) dirs.push({ dir: join(repoRoot, '.momentum', 'templates'), origin: 'repo' })
  dirs.push({ dir: join(packageRoot(), 'templates'), origin: 'builtin' })
  return dirs
}

/** Script directories in lookup order: `.momentum/grail/`, `.momentum/scripts/`, then built-in `grail/`. */
export function scriptDirs(repoRoot: string | null): FoundDir[] {
  const dirs: FoundDir[] = []
  if (repoRoot) {
    dirs.push({ dir: join(repoRoot, '.momentum', 'grail'), origin: 'repo' })
    dirs.push({ dir: join(repoRoot, '.momentum', 'scripts'), origin: 'repo' })
  }
  dirs.push({ dir: join(packageRoot(), 'grail'), origin: 'builtin' })
  return dirs
}

/** A lookup directory and its origin. */
export interface FoundDir {
  dir: string
  origin: Origin
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isFile()
  } catch {
    return false
  }
}

/** The first `<dir>/<fileName>` that exists, in lookup order. */
export async function findIn(dirs: readonly FoundDir[], fileName: string): Promise<FoundFile | null> {
  for (const d of dirs) {
    const file = join(d.dir, fileName)
    if (await isFile(file)) return { file, origin: d.origin }
  }
  return null
}

/** Every file ending in `suffix` across the dirs; an earlier dir shadows a later one with the same name. */
export async function listIn(
  dirs: readonly FoundDir[],
  suffix: string,
): Promise<(FoundFile & { name: string })[]> {
  const out = new Map<string, FoundFile & { name: string }>()
  for (const d of dirs) {
    let names: string[]
    try {
      names = await readdir(d.dir)
    } catch {
      continue
    }
    for (const n of names.sort()) {
      if (!n.endsWith(suffix)) continue
      const name = n.slice(0, -suffix.length)
      if (!out.has(name)) out.set(name, { name, file: join(d.dir, n), origin: d.origin })
    }
  }
  return [...out.values()]
}
