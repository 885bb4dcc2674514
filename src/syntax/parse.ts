import { createHash } from 'node:crypto'
import { createRequire } from 'node:module'
import { fail } from '../errors/index.js'
import { assertText, type DecodedText, decodeForParse, lineStartOf } from './bytes.js'
import { builtinQuery, CAPTURE_KINDS, profileFor, type TreeSitterProfile } from './profiles.js'
import type { TSLanguage, TSNode, TSParser, TSParserClass, TSQuery, TSTree } from './ts.js'
import type { LanguageId, SyntaxProblem } from './types.js'

const require = createRequire(import.meta.url)
const ParserCtor: TSParserClass = require('tree-sitter')

// One parser per language: Node is single-threaded and reuse avoids re-allocating parser state.
const parsers = new Map<LanguageId, TSParser>()
const grammars = new Map<LanguageId, TSLanguage>()
const queries = new Map<string, AgentQuery>()
const builtinCompiled = new Map<LanguageId, AgentQuery>()

/** A parse of UTF-8 bytes, with the map from tree-sitter's UTF-16 indices to byte offsets. */
export interface ParsedFile {
  tree: TSTree
  decoded: DecodedText
}

/** The tree-sitter profile of a language, or a typed error for scanner-only languages. */
export function treeSitterProfile(lang: LanguageId): TreeSitterProfile {
  const p = profileFor(lang)
  if (p.engine !== 'tree-sitter') throw new Error(`${lang} has no tree-sitter grammar`)
  return p
}

function grammar(lang: LanguageId): TSLanguage {
  let g = grammars.get(lang)
  if (!g) {
    g = treeSitterProfile(lang).loadGrammar()
    grammars.set(lang, g)
  }
  return g
}

/** The shared parser for a language. */
export function parserFor(lang: LanguageId): TSParser {
  let p = parsers.get(lang)
  if (!p) {
    p = new ParserCtor()
    p.setLanguage(grammar(lang))
    parsers.set(lang, p)
  }
  return p
}

// A merge parses the stitched result, then discovers nodes in the same bytes: keeping the last few
// parses (trees are never edited in place) turns that second parse into a hash lookup.
const recentParses = new Map<string, ParsedFile>()
const RECENT_PARSES = 4

/** Parses text bytes (never binary: BINARY_FILE is thrown first); repeats of recent input are reused. */
export function parseBytes(lang: LanguageId, bytes: Buffer, label = '<bytes>'): ParsedFile {
  const key = `${lang}:${bytes.length}:${createHash('sha1').update(bytes).digest('hex')}`
  const hit = recentParses.get(key)
  if (hit) {
    recentParses.delete(key)
    recentParses.set(key, hit)
    return hit
  }
  assertText(label, bytes)
  const decoded = decodeForParse(bytes)
  const tree = parserFor(lang).parse(decoded.text)
  const parsed = { tree, decoded }
  recentParses.set(key, parsed)
  if (recentParses.size > RECENT_PARSES) recentParses.delete(recentParses.keys().next().value ?? '')
  return parsed
}

/**
 * The compiled agent query: the repo's override when given (a leading `; extends` line appends it
 * to the built-in query), else the built-in one. Compiled queries are cached by text.
 */
export function agentQuery(lang: LanguageId, override?: string, label?: string): AgentQuery {
  if (override === undefined) {
    const cached = builtinCompiled.get(lang)
    if (cached) return cached
  }
  const profile = treeSitterProfile(lang)
  const builtin = builtinQuery(profile)
  const text =
    override === undefined
      ? builtin
      : /^\s*;+\s*extends\b/.test(override)
        ? `${builtin}\n${override}`
        : override
  const key = `${lang}\0${text}`
  const known = queries.get(key)
  if (known) return known
  let q: TSQuery
  const where = override === undefined ? `src/syntax/queries/${profile.queryFile}` : (label ?? 'query')
  try {
    q = new ParserCtor.Query(grammar(lang), text)
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err)
    const pos = /position (\d+)/.exec(msg)
    // The position is into the compiled text, which starts with the built-in query when extending.
    const offset = pos ? Number(pos[1]) - (text.length - (override ?? text).length) : -1
    const loc = offset >= 0 ? `:${lineCol(override ?? text, offset)}` : ''
    throw fail(
      'QUERY_INVALID',
      `${where}${loc}: invalid ${lang} query (${msg.replace(/ at position \d+/, '')})`,
      `Fix ${where} (tree-sitter query syntax, node types of the ${lang} grammar), or delete it to use the built-in query.`,
      { file: where, lang },
    )
  }
  for (const name of captureNames(text)) {
    if (name !== 'name' && !name.startsWith('_') && !(name in CAPTURE_KINDS)) {
      throw fail(
        'QUERY_INVALID',
        `${where}: unknown capture @${name} in the ${lang} query`,
        `Use @name or one of @${Object.keys(CAPTURE_KINDS).join(', @')} (prefix helper captures with _).`,
        { file: where, lang, capture: name },
      )
    }
  }
  const compiled: AgentQuery = { query: q, plan: simplePlan(text) }
  queries.set(key, compiled)
  if (override === undefined) builtinCompiled.set(lang, compiled)
  return compiled
}

/** A compiled agent query, plus a direct plan when every pattern is `(type name: (t) @name) @kind`. */
export interface AgentQuery {
  query: TSQuery
  /** node type -> [capture kind name, name node type]; null when the query needs the query engine. */
  plan: Map<string, [string, string]> | null
}

const SIMPLE_PATTERN = /^\(\s*([A-Za-z_]+)\s+name:\s*\(\s*([A-Za-z_]+)\s*\)\s*@name\s*\)\s*@([A-Za-z_]+)$/

/**
 * Recognises queries made only of simple one-node patterns. Those are answered with one C-side
 * walk (descendantsOfType) instead of the query engine, which is ~30% of a parse on Python.
 */
function simplePlan(text: string): Map<string, [string, string]> | null {
  const bare = text.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/;.*$/gm, '')
  const plan = new Map<string, [string, string]>()
  let depth = 0
  let start = -1
  const patterns: string[] = []
  for (let i = 0; i < bare.length; i++) {
    const ch = bare[i]
    if (ch === '(') {
      if (depth === 0) {
        if (start !== -1) patterns.push(bare.slice(start, i).trim())
        start = i
      }
      depth++
    } else if (ch === ')') depth--
    else if (depth === 0 && start === -1 && !/\s/.test(ch ?? '')) return null
  }
  if (start !== -1) patterns.push(bare.slice(start).trim())
  for (const p of patterns) {
    const m = SIMPLE_PATTERN.exec(p.replace(/\s+/g, ' '))
    if (!m || plan.has(m[1]!)) return null
    plan.set(m[1]!, [m[3]!, m[2]!])
  }
  return plan.size > 0 ? plan : null
}

/** Capture names used in query text (the binding does not expose them). */
function captureNames(text: string): Set<string> {
  const bare = text.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/;.*$/gm, '')
  return new Set(Array.from(bare.matchAll(/@([A-Za-z_][\w.-]*)/g), (m) => m[1]!))
}

function lineCol(text: string, offset: number): string {
  const before = Buffer.from(text).subarray(0, offset).toString('utf8')
  const lines = before.split('\n')
  return `${lines.length}:${(lines[lines.length - 1]?.length ?? 0) + 1}`
}

/** ERROR and MISSING nodes of a parse, in document order; nodeId is left null. */
export function collectProblems(parsed: ParsedFile, bytes: Buffer): SyntaxProblem[] {
  const out: SyntaxProblem[] = []
  const { toByte } = parsed.decoded
  const visit = (node: TSNode): void => {
    if (node.isError || node.isMissing) {
      const startByte = toByte(node.startIndex)
      out.push({
        kind: node.isMissing ? 'missing' : 'error',
        startByte,
        endByte: toByte(node.endIndex),
        line: node.startPosition.row + 1,
        column: startByte - lineStartOf(bytes, startByte) + 1,
        nodeType: node.isMissing ? node.type : 'ERROR',
        nodeId: null,
      })
      if (node.isMissing) return
    }
    for (let c = node.firstChild; c !== null; c = c.nextSibling) if (c.hasError || c.isMissing) visit(c)
  }
  const root = parsed.tree.rootNode
  if (root.hasError) visit(root)
  return out
}

/** Parse problems of a file; Markdown (scanned, not parsed) never has any. */
export function checkSyntax(lang: LanguageId, bytes: Buffer): SyntaxProblem[] {
  if (profileFor(lang).engine !== 'tree-sitter') return []
  return collectProblems(parseBytes(lang, bytes), bytes)
}
