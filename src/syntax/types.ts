/** Languages the syntax layer knows; each has a profile in profiles.ts. */
export type LanguageId = 'python' | 'toml' | 'markdown'

/** What a node in the agent tree is. */
export const NODE_KINDS = [
  'repo',
  'directory',
  'file',
  'class',
  'function',
  'method',
  'toml_table',
  'toml_array_table',
  'toml_pair',
  'md_section',
] as const

/** A node kind, as listed in NODE_KINDS. */
export type NodeKind = (typeof NODE_KINDS)[number]

/** One agent-bearing node with its exact UTF-8 byte range (see docs/syntax.md for the rules). */
export interface MNode {
  /** 'path::Outer.inner' ; file: 'path' ; directory: 'dir/' ; repo: '.' (collision: append '@<startByte>') */
  id: string
  kind: NodeKind
  /** Decorated class/function/method: the range INCLUDES the decorators. */
  decorated: boolean
  name: string
  /** Repo-relative POSIX path of the file or directory ('' for the repo). */
  path: string
  lang: LanguageId | null
  /** UTF-8 byte offsets within the file (0 for directories and the repo). */
  startByte: number
  endByte: number
  /** 1-based inclusive lines (0 for directories and the repo). */
  startLine: number
  endLine: number
  /** sha256 hex (16 chars) of the node's bytes; for directories and the repo, of the children's ids and hashes. */
  hash: string
  parentId: string | null
  children: MNode[]
}

/** Replace bytes [start, end) with text; zero-width patches are insertions. */
export interface Patch {
  start: number
  end: number
  text: Buffer
  nodeId: string
  order?: number
}

/** An ERROR or MISSING node found by a parse; line and column are 1-based (column counts bytes). */
export interface SyntaxProblem {
  kind: 'error' | 'missing'
  startByte: number
  endByte: number
  line: number
  column: number
  nodeType: string
  nodeId: string | null
}

/** Where file bytes come from: the working tree (nodes command) or a git commit (runs). */
export interface FileSource {
  /** Shown in errors, e.g. 'working tree' or 'commit abc123'. */
  label: string
  /** Every file under dir (repo-relative POSIX; '' is the repo root), recursively, as repo-relative POSIX paths. */
  listFiles(dir: string): Promise<string[]>
  readFile(path: string): Promise<Buffer>
  /**
   * Optional batch read (a commit reads many blobs in one git process). Paths it cannot read are
   * left out of the map; callers fall back to readFile for those, which reports the error.
   */
  readFiles?(paths: string[]): Promise<Map<string, Buffer>>
  exists(path: string): Promise<'file' | 'dir' | 'none'>
}

/** Why a file found by walking a directory was left out of the node tree. */
export type SkipReason = 'binary' | 'too-large'

/** Where to insert a new child under a parent node. */
export type InsertRule =
  | { at: 'end-of-body' }
  | { at: 'start-of-body' }
  | { at: 'end-of-file' }
  | { at: 'after-last'; kind?: NodeKind; namePattern?: string }

/** A zero-width insertion point with the conventions the inserted text must follow. */
export interface Insertion {
  offset: number
  indent: string
  newline: '\n' | '\r\n'
  blankLinesBefore: number
  blankLinesAfter: number
}

/** Options for node discovery in one file. */
export interface DiscoverOptions {
  /** Query source replacing (or, with a leading `; extends` line, extending) the built-in one. */
  query?: string
  /** Shown in QUERY_INVALID errors for `query`. */
  queryLabel?: string
}
