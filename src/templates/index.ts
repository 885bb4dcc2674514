/** Templates (skeletons) and the built-in block scripts (muscles): loading, rendering, selection, running. */
export { type CheckReport, checkTemplatesAndScripts, hasErrors, TEMPLATE_CODES } from './check.js'
export { createNodeExternals, type ExternalState, type NodeContext } from './externals.js'
export {
  displayPath,
  type LoadedTemplate,
  type LookupOptions,
  listTemplates,
  loadAllTemplates,
  loadTemplate,
  loadTemplateAt,
  loadTemplateFile,
  parseTemplate,
  resolveScript,
  scriptRefs,
} from './load.js'
export {
  type FoundFile,
  type Origin,
  packageRoot,
  scriptDirs,
  TEMPLATE_SUFFIX,
  templateDirs,
} from './paths.js'
export { mergeVars, type ResolvedBlock, renderText, resolveBlocks } from './render.js'
export {
  isReplyKind,
  REPLY_SCHEMAS,
  type Reply,
  type ReplyKind,
  replyInstruction,
  replyJsonSchema,
} from './replies.js'
export {
  blockScript,
  type EditResult,
  editWithScript,
  type ScriptChoice,
  templateScript,
  type VoteResult,
  voteWithScript,
} from './run-block.js'
export {
  type BlockSpec,
  KNOWN_VALIDATORS,
  type SelectKind,
  type Template,
  type TemplateVars,
} from './schema.js'
export {
  appliesTo,
  type BlockMatch,
  insertRule,
  matchBlocks,
  type NodeRef,
  nameGlob,
  normalizeName,
  pathGlob,
  selects,
  templateForNode,
} from './select.js'
