import { createHash } from 'node:crypto'
import { readdir, readFile, realpath, stat } from 'node:fs/promises'
import { isAbsolute, join, relative, sep } from 'node:path'
import { fail, isMomentumError } from '../errors/index.js'
import { discoverFileNodes } from './discover.js'
import { languageForPath, profileFor } from './profiles.js'
import type { FileSource, LanguageId, MNode, SkipReason } from './types.js'

/** Directory names never walked into (explicitly named paths inside them still work). */
export const IGNORED_DIRS: ReadonlySet<string> = new Set([
  '.git',
  '.momentum',
  'node_modules',
  '__pycache__',
  '.venv',
  'venv',
  '.tox',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
])

/** Where repo query overrides live: `<repo>/.momentum/queries/<lang>.scm`. */
export const QUERY_OVERRIDE_DIR = '.momentum/queries'

const READ_CONCURRENCY = 32
// Files fetched per readFiles call: one git process per chunk, while bounding the bytes held at once.
const PREFETCH_CHUNK = 512

/** Options for buildNodeTree. */
export interface BuildOptions {
  /** Files larger than this are refused with FILE_TOO_LARGE (config: run.max_file_bytes). */
  maxFileBytes: number
  /**
   * Told about each file found by walking a directory that is left out (binary or over
   * maxFileBytes), in path order. Named files are never skipped: they throw BINARY_FILE or
   * FILE_TOO_LARGE. When every file found is skipped, the first one's error is thrown.
   */
  onSkip?: (path: string, reason: SkipReason) => void
}

type FileResult = MNode | { skip: SkipReason; error: unknown }

/** Normalises a scope entry to a repo-relative POSIX path ('' is the repo); PATH_OUTSIDE_REPO when it escapes. */
export function normalizeScopePath(p: string): string {
  const posix = p.replaceAll('\\', '/')
  const parts: string[] = []
  for (const seg of posix.split('/')) {
    if (seg === '' || seg === '.') continue
    if (seg === '..' || isAbsolute(posix)) {
      throw fail(
        'PATH_OUTSIDE_REPO',
        `${p}: path is outside the repository`,
        'Name files or directories inside the repo.',
        {
          path: p,
        },
      )
    }
    parts.push(seg)
  }
  return parts.join('/')
}

/**
 * The agent tree for `scope` (files or directories, repo-relative): repo -> directories -> files ->
 * agents. Named files must have a supported language; walked directories skip unsupported, binary
 * and too-large files (see BuildOptions.onSkip).
 */
export async function buildNodeTree(source: FileSource, scope: string[], opts: BuildOptions): Promise<MNode> {
  const files = new Set<string>()
  const named = new Set<string>()
  for (const entry of scope.length === 0 ? [''] : scope) {
    const p = normalizeScopePath(entry)
    const what = await source.exists(p)
    if (what === 'none') {
      throw fail(
        'PATH_MISSING',
        `${entry}: no such file or directory in the ${source.label}`,
        'Check the spelling; paths are relative to where you run the command.',
        { path: entry },
      )
    }
    if (what === 'file') {
      if (languageForPath(p) === null) {
        throw fail(
          'UNSUPPORTED_LANGUAGE',
          `${entry}: no language profile for this file type`,
          'Name .py, .pyi, .toml or .md files (see docs/syntax.md to add a language).',
          { path: entry },
        )
      }
      files.add(p)
      named.add(p)
      continue
    }
    for (const f of await source.listFiles(p)) {
      const segs = f.split('/')
      if (segs.slice(0, -1).some((s) => IGNORED_DIRS.has(s))) continue
      if (languageForPath(f) !== null) files.add(f)
    }
  }
  if (files.size === 0) {
    throw fail(
      'PATHS_MATCH_NOTHING',
      `${scope.join(' ') || '.'}: no Python, TOML or Markdown files found`,
      'Name a directory that contains supported files, or a file directly.',
      { scope },
    )
  }
  const overrides = await loadQueryOverrides(source, files)
  const sorted = [...files].sort()
  const fileOne = async (path: string, prefetched: Buffer | undefined): Promise<FileResult> => {
    const bytes = prefetched ?? (await source.readFile(path))
    if (bytes.length > opts.maxFileBytes) {
      const error = fail(
        'FILE_TOO_LARGE',
        `${path}: ${bytes.length} bytes is over the ${opts.maxFileBytes}-byte limit`,
        'Leave it out of the paths, or raise run.max_file_bytes in .momentum/config.toml.',
        { path, size: bytes.length, limit: opts.maxFileBytes },
      )
      if (named.has(path)) throw error
      return { skip: 'too-large', error }
    }
    const lang = languageForPath(path)!
    const o = overrides.get(lang)
    try {
      return discoverFileNodes(path, bytes, lang, o ? { query: o.text, queryLabel: o.label } : {})
    } catch (error) {
      if (named.has(path) || !isMomentumError(error) || error.code !== 'BINARY_FILE') throw error
      return { skip: 'binary', error }
    }
  }
  const fileNodes: MNode[] = []
  let firstSkip: unknown = null
  // A batch-reading source (a commit) gets each chunk's bytes in one call instead of one per file.
  const chunk = source.readFiles ? PREFETCH_CHUNK : sorted.length
  for (let i = 0; i < sorted.length; i += chunk) {
    const paths = sorted.slice(i, i + chunk)
    const pre = source.readFiles ? await source.readFiles(paths) : null
    const results = await mapBounded(paths, READ_CONCURRENCY, (p) => fileOne(p, pre?.get(p)))
    for (const [j, r] of results.entries()) {
      if (!('skip' in r)) fileNodes.push(r)
      else {
        firstSkip ??= r.error
        opts.onSkip?.(paths[j]!, r.skip)
      }
    }
  }
  if (fileNodes.length === 0 && firstSkip !== null) throw firstSkip
  return assemble(fileNodes)
}

async function loadQueryOverrides(
  source: FileSource,
  files: Set<string>,
): Promise<Map<LanguageId, { text: string; label: string }>> {
  const langs = new Set<LanguageId>()
  for (const f of files) langs.add(languageForPath(f)!)
  const out = new Map<LanguageId, { text: string; label: string }>()
  for (const lang of langs) {
    const profile = profileFor(lang)
    if (profile.engine !== 'tree-sitter') continue
    const label = `${QUERY_OVERRIDE_DIR}/${profile.queryFile}`
    if ((await source.exists(label)) === 'file')
      out.set(lang, { text: (await source.readFile(label)).toString('utf8'), label })
  }
  return out
}

function assemble(fileNodes: MNode[]): MNode {
  const repo = dirNode('', '.', null)
  const dirs = new Map<string, MNode>([['', repo]])
  const ensureDir = (path: string): MNode => {
    const known = dirs.get(path)
    if (known) return known
    const cut = path.lastIndexOf('/')
    const parent = ensureDir(cut === -1 ? '' : path.slice(0, cut))
    const node = dirNode(path, `${path}/`, parent.id)
    parent.children.push(node)
    dirs.set(path, node)
    return node
  }
  for (const f of fileNodes) {
    const cut = f.path.lastIndexOf('/')
    const parent = ensureDir(cut === -1 ? '' : f.path.slice(0, cut))
    f.parentId = parent.id
    parent.children.push(f)
  }
  finishDir(repo)
  return repo
}

function dirNode(path: string, id: string, parentId: string | null): MNode {
  const name = path === '' ? '.' : path.slice(path.lastIndexOf('/') + 1)
  const kind = path === '' ? 'repo' : 'directory'
  return {
    id,
    kind,
    decorated: false,
    name,
    path,
    lang: null,
    startByte: 0,
    endByte: 0,
    startLine: 0,
    endLine: 0,
    hash: '',
    parentId,
    children: [],
  }
}

// Directories sort before files; a directory's hash covers its children's ids and hashes.
function finishDir(node: MNode): void {
  for (const c of node.children) if (c.kind === 'directory') finishDir(c)
  node.children.sort(
    (a, b) => Number(b.kind === 'directory') - Number(a.kind === 'directory') || (a.path < b.path ? -1 : 1),
  )
  const h = createHash('sha256')
  for (const c of node.children) h.update(`${c.id}\0${c.hash}\n`)
  node.hash = h.digest('hex').slice(0, 16)
}

async function mapBounded<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i]!)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}

/** A FileSource over the working tree at repoRoot; symlinks are not followed when walking. */
export function workingTreeSource(repoRoot: string): FileSource {
  const abs = (p: string): string => join(repoRoot, normalizeScopePath(p))
  let realRoot: Promise<string> | null = null
  return {
    label: 'working tree',
    async listFiles(dir: string): Promise<string[]> {
      const out: string[] = []
      const walk = async (rel: string): Promise<void> => {
        const entries = await readdir(join(repoRoot, rel), { withFileTypes: true })
        for (const e of entries) {
          const child = rel === '' ? e.name : `${rel}/${e.name}`
          if (e.isDirectory()) {
            if (!IGNORED_DIRS.has(e.name)) await walk(child)
          } else if (e.isFile()) out.push(child)
        }
      }
      await walk(normalizeScopePath(dir))
      return out.sort()
    },
    readFile: (p: string) => readFile(abs(p)),
    async exists(p: string): Promise<'file' | 'dir' | 'none'> {
      const full = abs(p)
      try {
        const st = await stat(full)
        realRoot ??= realpath(repoRoot)
        const rel = relative(await realRoot, await realpath(full))
        if (rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) {
          throw fail(
            'PATH_OUTSIDE_REPO',
            `${p}: resolves (through a symlink) outside the repository`,
            'Name files inside the repo; symlinks out of it are not followed.',
            { path: p },
          )
        }
        return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'none'
      } catch (err) {
        if (
          (err as NodeJS.ErrnoException).code === 'ENOENT' ||
          (err as NodeJS.ErrnoException).code === 'ENOTDIR'
        )
          return 'none'
        throw err
      }
    },
  }
}
