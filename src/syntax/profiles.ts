import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { TSLanguage } from './ts.js'
import type { LanguageId, NodeKind } from './types.js'

const require = createRequire(import.meta.url)

/** A language parsed by a tree-sitter grammar, with agents chosen by a query file. */
export interface TreeSitterProfile {
  id: LanguageId
  engine: 'tree-sitter'
  extensions: string[]
  fileNames: string[]
  /** File name in src/syntax/queries/ (and in <repo>/.momentum/queries/ for overrides). */
  queryFile: string
  loadGrammar: () => TSLanguage
  /** Parent node type that wraps a definition with its decorators (range grows to include them). */
  decoratorWrapper: string | null
  /** Kinds whose ids always carry '@<startByte>' because repeats are normal (TOML [[x]]). */
  alwaysDisambiguate: NodeKind[]
}

/** A language without an installable grammar, split into agents by a small scanner. */
export interface ScannerProfile {
  id: LanguageId
  engine: 'scanner'
  extensions: string[]
  fileNames: string[]
}

/** One row of the language table. */
export type LanguageProfile = TreeSitterProfile | ScannerProfile

/**
 * The language table. Markdown uses a scanner because the maintained grammar
 * (@tree-sitter-grammars/tree-sitter-markdown 0.3.x) wants tree-sitter ^0.21 (see docs/syntax.md).
 */
export const PROFILES: readonly LanguageProfile[] = [
  {
    id: 'python',
    engine: 'tree-sitter',
    extensions: ['.py', '.pyi'],
    fileNames: [],
    queryFile: 'python.scm',
    loadGrammar: () => require('tree-sitter-python'),
    decoratorWrapper: 'decorated_definition',
    alwaysDisambiguate: [],
  },
  {
    id: 'toml',
    engine: 'tree-sitter',
    extensions: ['.toml'],
    fileNames: ['Pipfile'],
    queryFile: 'toml.scm',
    loadGrammar: () => require('@tree-sitter-grammars/tree-sitter-toml'),
    decoratorWrapper: null,
    alwaysDisambiguate: ['toml_array_table'],
  },
  { id: 'markdown', engine: 'scanner', extensions: ['.md', '.markdown'], fileNames: [] },
]

/** Query capture names and the node kinds they produce; '@name' marks the name node. */
export const CAPTURE_KINDS: Readonly<Record<string, NodeKind>> = {
  class: 'class',
  function: 'function',
  method: 'method',
  table: 'toml_table',
  array_table: 'toml_array_table',
  pair: 'toml_pair',
  section: 'md_section',
}

/** The profile for a language id. */
export function profileFor(lang: LanguageId): LanguageProfile {
  const p = PROFILES.find((x) => x.id === lang)
  if (!p) throw new Error(`no profile for ${lang}`)
  return p
}

/** Language of a repo-relative path by file name or extension; null when unsupported. */
export function languageForPath(path: string): LanguageId | null {
  const base = path.slice(path.lastIndexOf('/') + 1)
  const dot = base.lastIndexOf('.')
  const ext = dot > 0 ? base.slice(dot).toLowerCase() : ''
  for (const p of PROFILES) {
    if (p.fileNames.includes(base) || (ext !== '' && p.extensions.includes(ext))) return p.id
  }
  return null
}

const here = dirname(fileURLToPath(import.meta.url))
// From the sources the queries sit next to this file; a compiled copy (dist/src/syntax) finds the
// package's src/syntax/queries by walking up.
const QUERY_DIRS = [
  join(here, 'queries'),
  ...[1, 2, 3, 4, 5].map((n) => join(here, ...Array<string>(n).fill('..'), 'src', 'syntax', 'queries')),
]
const builtinQueries = new Map<string, string>()

/** Text of a built-in query file. */
export function builtinQuery(profile: TreeSitterProfile): string {
  let text = builtinQueries.get(profile.queryFile)
  if (text === undefined) {
    const dir = QUERY_DIRS.find((d) => existsSync(join(d, profile.queryFile)))
    if (!dir) throw new Error(`built-in query ${profile.queryFile} not found in ${QUERY_DIRS.join(', ')}`)
    text = readFileSync(join(dir, profile.queryFile), 'utf8')
    builtinQueries.set(profile.queryFile, text)
  }
  return text
}
