// The syntax layer's public API: the only place other layers get node trees, stitching,
// insertion points, CSTs and TOML edits from (none of them import tree-sitter).

import type { MNode } from './types.js'

export { bomLength, detectNewline, hashBytes, isBinary, lineAt, lineStarts } from './bytes.js'
export { type CstNode, cstText, parseCst } from './cst.js'
export { discoverFileNodes, type RawAgent } from './discover.js'
export { findInsertion, renderInsertion } from './insert.js'
export { checkSyntax } from './parse.js'
export { CAPTURE_KINDS, type LanguageProfile, languageForPath, PROFILES, profileFor } from './profiles.js'
export { checkPatches, type StitchResult, sortPatches, stitch } from './stitch.js'
export { tomlAppend, tomlSet } from './toml-edit.js'
export { splitKeyPath, type TomlKeyPath, type TomlTableSpan, tomlKeyLine, tomlTables } from './toml-index.js'
export { tomlGet, tomlSerializeValue } from './toml-value.js'
export {
  type BuildOptions,
  buildNodeTree,
  IGNORED_DIRS,
  normalizeScopePath,
  QUERY_OVERRIDE_DIR,
  workingTreeSource,
} from './tree.js'
export type {
  DiscoverOptions,
  FileSource,
  Insertion,
  InsertRule,
  LanguageId,
  MNode,
  NodeKind,
  Patch,
  SkipReason,
  SyntaxProblem,
} from './types.js'
export { NODE_KINDS } from './types.js'

/** Walks a node tree depth-first (pre-order). */
export function* walkNodes(root: MNode): Generator<MNode> {
  yield root
  for (const c of root.children) yield* walkNodes(c)
}
