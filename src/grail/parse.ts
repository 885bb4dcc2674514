import type { CstNode } from '../syntax/cst.js'
import { literalValue, NOT_LITERAL } from './literal.js'
import { typeFromCst } from './pytype.js'
import type { PymExternal, PymInput, PymParam } from './types.js'

/** An Input declaration with the CST nodes the checker and stripper need. */
export interface InputSite extends PymInput {
  col: number
  stmt: CstNode
  call: CstNode
  defaultNode: CstNode | null
}

/** An @external declaration with the CST nodes the checker and stripper need. */
export interface ExternalSite extends PymExternal {
  col: number
  /** The whole decorated definition (decorators included). */
  node: CstNode
  /** Parameters ('return' for the return type) lacking an annotation. */
  unannotated: string[]
  /** Parameters whose default is not a literal. */
  nonLiteralDefaults: string[]
  bodyIsEllipsis: boolean
}

/** Module-level declarations of a .pym file. */
export interface PymDecls {
  inputs: InputSite[]
  externals: ExternalSite[]
  /** `from grail import ...`, `import grail` and `from __future__ import ...` statements (removed before running). */
  grailImports: CstNode[]
}

const field = (n: CstNode, name: string): CstNode | undefined => n.children.find((c) => c.field === name)

/** Collects the module-level Input and @external declarations from a parsed .pym file. */
export function collectDecls(bytes: Buffer, root: CstNode): PymDecls {
  const text = (n: CstNode): string => bytes.toString('utf8', n.startByte, n.endByte)
  const decls: PymDecls = { inputs: [], externals: [], grailImports: [] }
  for (const stmt of root.children) {
    if (stmt.type === 'future_import_statement') decls.grailImports.push(stmt)
    else if (stmt.type === 'import_from_statement' || stmt.type === 'import_statement') {
      if (importedModules(stmt, text).every((m) => m === 'grail')) decls.grailImports.push(stmt)
    } else if (stmt.type === 'expression_statement') {
      const input = inputSite(bytes, stmt, text)
      if (input) decls.inputs.push(input)
    } else if (stmt.type === 'decorated_definition') {
      const ext = externalSite(bytes, stmt, text)
      if (ext) decls.externals.push(ext)
    }
  }
  return decls
}

/** Module names an import statement pulls in ('' for a relative import). */
export function importedModules(stmt: CstNode, text: (n: CstNode) => string): string[] {
  if (stmt.type === 'future_import_statement') return ['__future__']
  if (stmt.type === 'import_from_statement') {
    const mod = field(stmt, 'module_name')
    if (!mod || mod.type === 'relative_import') return ['']
    return [text(mod)]
  }
  return stmt.children
    .filter((c) => c.field === 'name')
    .map((c) => (c.type === 'aliased_import' ? text(field(c, 'name') ?? c) : text(c)))
}

function isGrailName(n: CstNode | undefined, name: string, text: (n: CstNode) => string): boolean {
  if (!n) return false
  if (n.type === 'identifier') return text(n) === name
  if (n.type === 'attribute') {
    const obj = field(n, 'object')
    const attr = field(n, 'attribute')
    return obj !== undefined && text(obj) === 'grail' && attr !== undefined && text(attr) === name
  }
  return false
}

function inputSite(bytes: Buffer, stmt: CstNode, text: (n: CstNode) => string): InputSite | null {
  const assign = stmt.children[0]
  if (assign?.type !== 'assignment') return null
  const left = field(assign, 'left')
  const right = field(assign, 'right')
  if (left?.type !== 'identifier' || !right || right.type !== 'call') return null
  if (!isGrailName(field(right, 'function'), 'Input', text)) return null
  const args = (field(right, 'arguments')?.children ?? []).filter((c) => c.named && c.type !== 'comment')
  const positional = args.filter((a) => a.type !== 'keyword_argument')
  const keyword = (name: string): CstNode | undefined =>
    args.find((a) => a.type === 'keyword_argument' && text(field(a, 'name') ?? a) === name)
  const keyNode = positional[0] ?? field(keyword('name') ?? stmt, 'value')
  const keyValue = keyNode ? literalValue(bytes, keyNode) : NOT_LITERAL
  const defaultNode =
    positional[1] ?? (keyword('default') ? field(keyword('default') as CstNode, 'value') : undefined)
  const typeNode = field(assign, 'type')
  const name = text(left)
  return {
    name,
    key: typeof keyValue === 'string' ? keyValue : name,
    typeText: typeNode ? text(typeNode) : null,
    type: typeNode ? typeFromCst(bytes, typeNode) : null,
    required: defaultNode === undefined,
    line: stmt.startRow + 1,
    col: stmt.startCol + 1,
    stmt,
    call: right,
    defaultNode: defaultNode ?? null,
  }
}

function externalSite(bytes: Buffer, node: CstNode, text: (n: CstNode) => string): ExternalSite | null {
  const decorators = node.children.filter((c) => c.type === 'decorator')
  const isExternal = decorators.some((d) =>
    isGrailName(
      d.children.find((c) => c.named),
      'external',
      text,
    ),
  )
  const fn = field(node, 'definition')
  if (!isExternal || !fn || fn.type !== 'function_definition') return null
  const nameNode = field(fn, 'name')
  const returnType = field(fn, 'return_type')
  const params: PymParam[] = []
  const unannotated: string[] = []
  const nonLiteralDefaults: string[] = []
  let keywordOnly = false
  for (const p of field(fn, 'parameters')?.children ?? []) {
    if (!p.named || p.type === 'comment' || p.type === 'positional_separator') continue
    if (p.type === 'keyword_separator') {
      keywordOnly = true
      continue
    }
    const param = paramOf(bytes, p, keywordOnly, text)
    if (!param) continue
    if (param.kind === 'varargs') keywordOnly = true
    if (param.typeText === null) unannotated.push(param.name)
    if (param.defaultValue === NOT_LITERAL) {
      nonLiteralDefaults.push(param.name)
      param.defaultValue = undefined
    }
    params.push(param)
  }
  if (!returnType) unannotated.push('return')
  return {
    name: nameNode ? text(nameNode) : '',
    async: fn.children.some((c) => c.type === 'async'),
    params,
    returnsText: returnType ? text(returnType) : null,
    returns: returnType ? typeFromCst(bytes, returnType) : null,
    line: fn.startRow + 1,
    col: fn.startCol + 1,
    node,
    unannotated,
    nonLiteralDefaults,
    bodyIsEllipsis: isEllipsisBody(field(fn, 'body')),
  }
}

function paramOf(
  bytes: Buffer,
  p: CstNode,
  keywordOnly: boolean,
  text: (n: CstNode) => string,
): PymParam | null {
  const typeNode = field(p, 'type')
  const valueNode = field(p, 'value')
  const base = p.type === 'typed_parameter' ? p.children.find((c) => c.named && c.field === null) : p
  let name = ''
  let kind: PymParam['kind'] = keywordOnly ? 'keyword' : 'positional'
  if (!base) return null
  if (base.type === 'identifier') name = text(base)
  else if (base.type === 'list_splat_pattern' || base.type === 'dictionary_splat_pattern') {
    const id = base.children.find((c) => c.type === 'identifier')
    name = id ? text(id) : ''
    kind = base.type === 'list_splat_pattern' ? 'varargs' : 'kwargs'
  } else if (p.type === 'default_parameter' || p.type === 'typed_default_parameter') {
    const n = field(p, 'name')
    name = n ? text(n) : ''
  } else return null
  return {
    name,
    kind,
    typeText: typeNode ? text(typeNode) : null,
    type: typeNode ? typeFromCst(bytes, typeNode) : null,
    hasDefault: valueNode !== undefined,
    defaultValue: valueNode ? literalValue(bytes, valueNode) : undefined,
  }
}

/** Grail's rule: the body is `...`, optionally after a docstring. */
function isEllipsisBody(body: CstNode | undefined): boolean {
  if (!body) return false
  const stmts = body.children.filter((c) => c.named && c.type !== 'comment')
  const first = stmts[0]
  const rest =
    first?.type === 'expression_statement' && first.children[0]?.type === 'string' && stmts.length > 1
      ? stmts.slice(1)
      : stmts
  return (
    rest.length === 1 && rest[0]?.type === 'expression_statement' && rest[0].children[0]?.type === 'ellipsis'
  )
}
