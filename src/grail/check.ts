import { type CstNode, parseCst } from '../syntax/cst.js'
import { HOST_EXTERNALS, type HostExternal } from './externals.js'
import { collectDecls, importedModules, type PymDecls } from './parse.js'
import { formatType, type PyType, parseTypeText } from './pytype.js'
import type { Diagnostic } from './types.js'

/** Which externals the host implements: host specs (names and signatures) or bare names; null skips E014/E015. */
export type KnownExternals = readonly (string | HostExternal)[] | null

/** Options for checkPym. */
export interface CheckOptions {
  /** Defaults to HOST_EXTERNALS. */
  knownExternals?: KnownExternals
}

const ALLOWED_MODULES = new Set(['grail', 'typing', '__future__'])
const MAX_LINES = 200

type Forbidden = { code: string; message: string; hint: string }

const FORBIDDEN: Record<string, Forbidden> = {
  class_definition: {
    code: 'E001',
    message: 'Class definitions are not supported in Monty',
    hint: 'use functions and dicts instead of a class',
  },
  yield: {
    code: 'E002',
    message: 'Generator functions (yield) are not supported in Monty',
    hint: 'build and return a list instead',
  },
  with_statement: {
    code: 'E003',
    message: "'with' statements are not supported in Monty",
    hint: 'use try/finally, or move the resource handling into a host external',
  },
  match_statement: {
    code: 'E004',
    message: "'match' statements are not supported in Monty",
    hint: 'use if/elif/else instead',
  },
  global_statement: {
    code: 'E009',
    message: "'global' is not allowed in .pym scripts",
    hint: 'pass values as arguments and return results instead',
  },
  nonlocal_statement: {
    code: 'E010',
    message: "'nonlocal' is not allowed in .pym scripts",
    hint: 'pass values as arguments and return results instead',
  },
  delete_statement: {
    code: 'E011',
    message: "'del' is not allowed in .pym scripts",
    hint: 'rebind the name or build a new list/dict without the item',
  },
  lambda: {
    code: 'E012',
    message: 'lambda expressions are not allowed in .pym scripts',
    hint: 'define a named function with def',
  },
}

/** Runs Grail's checks (E001-E012, W002-W004) plus ours (E013-E016) on a .pym source. */
export function checkPym(file: string, source: Buffer, opts: CheckOptions = {}): Diagnostic[] {
  const root = parseCst('python', source)
  return checkParsed(file, source, root, collectDecls(source, root), opts)
}

/** checkPym on an already parsed tree (loadPym shares the parse with stripping). */
export function checkParsed(
  file: string,
  source: Buffer,
  root: CstNode,
  decls: PymDecls,
  opts: CheckOptions = {},
): Diagnostic[] {
  const text = (n: CstNode): string => source.toString('utf8', n.startByte, n.endByte)
  const out: Diagnostic[] = []
  const at = (n: CstNode, code: string, message: string, hint: string, severity: Diagnostic['severity']) =>
    out.push({ file, line: n.startRow + 1, col: n.startCol + 1, code, message, severity, hint })
  const error = (n: CstNode, code: string, message: string, hint: string) =>
    at(n, code, message, hint, 'error')

  const visit = (n: CstNode): void => {
    if (n.isError || n.isMissing) {
      const what = n.isMissing ? `missing '${n.type}'` : `unexpected '${firstLine(text(n))}'`
      error(n, 'E013', `Syntax error: ${what}`, 'fix the Python syntax at this position')
      return
    }
    const rule = n.named ? FORBIDDEN[n.type] : undefined
    if (rule) error(n, rule.code, rule.message, rule.hint)
    if (n.type === 'import_statement' || n.type === 'import_from_statement') {
      for (const mod of importedModules(n, text)) {
        if (ALLOWED_MODULES.has(mod)) continue
        error(
          n,
          'E005',
          `Import ${mod ? `'${mod}'` : 'of a relative module'} is not allowed in .pym scripts`,
          "only 'from grail import ...', 'typing' and '__future__' may be imported; reach the host through @external functions",
        )
      }
    }
    for (const c of n.children) visit(c)
  }
  visit(root)
  checkDeclarations(decls, error)
  checkKnown(decls, opts.knownExternals === undefined ? HOST_EXTERNALS : opts.knownExternals, error)
  checkUnused(source, root, decls, (n, code, message, hint) => at(n, code, message, hint, 'warning'))
  const lines = countLines(source)
  if (lines > MAX_LINES) {
    out.push({
      file,
      line: 1,
      col: 1,
      code: 'W004',
      message: `Script is ${lines} lines long (>${MAX_LINES})`,
      severity: 'warning',
      hint: 'split it, or move logic into host externals',
    })
  }
  return out.sort((a, b) => a.line - b.line || a.col - b.col || a.code.localeCompare(b.code))
}

type Report = (n: CstNode, code: string, message: string, hint: string) => void

function checkDeclarations(decls: PymDecls, error: Report): void {
  for (const ext of decls.externals) {
    for (const name of ext.unannotated) {
      error(
        ext.node,
        'E006',
        name === 'return'
          ? `External function '${ext.name}' missing return type annotation`
          : `Parameter '${name}' in external function '${ext.name}' missing type annotation`,
        name === 'return' ? `add a return annotation: def ${ext.name}(...) -> T:` : `annotate it: ${name}: T`,
      )
    }
    if (!ext.bodyIsEllipsis) {
      error(
        ext.node,
        'E007',
        `External function '${ext.name}' body must be '...' (Ellipsis), not code`,
        'replace the body with ...; the host supplies the implementation',
      )
    }
    for (const name of ext.nonLiteralDefaults) {
      error(
        ext.node,
        'E016',
        `Default of parameter '${name}' in external function '${ext.name}' is not a literal`,
        'use a literal default (str, number, bool, None, or a list/dict of those)',
      )
    }
  }
  for (const input of decls.inputs) {
    if (input.typeText === null) {
      error(
        input.stmt,
        'E008',
        `Input '${input.name}' missing type annotation`,
        `annotate it: ${input.name}: T = Input("${input.key}")`,
      )
    }
  }
}

function checkKnown(decls: PymDecls, known: KnownExternals, error: Report): void {
  if (known === null) return
  const names = known.map((k) => (typeof k === 'string' ? k : k.name))
  for (const ext of decls.externals) {
    const spec = known.find((k): k is HostExternal => typeof k !== 'string' && k.name === ext.name)
    if (!names.includes(ext.name)) {
      error(
        ext.node,
        'E014',
        `Declares unknown external '${ext.name}'`,
        `the host provides only: ${names.join(', ')} (see docs/grail.md); rename it or remove the declaration`,
      )
    } else if (spec) {
      const problem = signatureProblem(ext, spec)
      if (problem) {
        error(
          ext.node,
          'E015',
          `External '${ext.name}' does not match the host's signature: ${problem}`,
          `declare it as: ${spec.async ? 'async ' : ''}def ${ext.name}(${spec.params
            .map((p) => `${p.name}: ${p.type}`)
            .join(', ')}) -> ${spec.returns}`,
        )
      }
    }
  }
}

function signatureProblem(ext: PymDecls['externals'][number], spec: HostExternal): string | null {
  if (ext.async !== spec.async) return spec.async ? 'it must be async' : 'it must not be async'
  const declared = ext.params.map((p) => p.name)
  const expected = spec.params.map((p) => p.name)
  if (declared.join(',') !== expected.join(','))
    return `parameters (${declared.join(', ')}) != (${expected.join(', ')})`
  for (const [i, p] of ext.params.entries()) {
    const want = spec.params[i]
    if (!want || !p.type) continue
    if (!compatible(p.type, parseTypeText(want.type)))
      return `'${p.name}' is ${p.typeText}, host passes ${want.type}`
  }
  if (ext.returns && !compatible(ext.returns, parseTypeText(spec.returns))) {
    return `returns ${ext.returnsText}, host returns ${spec.returns}`
  }
  return null
}

/** Structural compatibility where Any (and a bare container's implicit Any) matches anything. */
function compatible(a: PyType, b: PyType): boolean {
  if (a.kind === 'any' || b.kind === 'any') return true
  if (a.kind === 'union' || b.kind === 'union') {
    const as = a.kind === 'union' ? a.options : [a]
    const bs = b.kind === 'union' ? b.options : [b]
    return as.every((x) => bs.some((y) => compatible(x, y)))
  }
  if (a.kind === 'list' && b.kind === 'list') return compatible(a.item, b.item)
  if (a.kind === 'dict' && b.kind === 'dict') return compatible(a.key, b.key) && compatible(a.value, b.value)
  if (a.kind === 'other' || b.kind === 'other') return formatType(a) === formatType(b)
  return a.kind === b.kind
}

function checkUnused(source: Buffer, root: CstNode, decls: PymDecls, warn: Report): void {
  const text = (n: CstNode): string => source.toString('utf8', n.startByte, n.endByte)
  const skip = new Set<CstNode>([...decls.externals.map((e) => e.node), ...decls.grailImports])
  const stores = new Set<CstNode>(decls.inputs.map((i) => i.stmt.children[0]?.children[0]).filter(isNode))
  const used = new Set<string>()
  const visit = (n: CstNode, parent: CstNode | null): void => {
    if (skip.has(n) || stores.has(n)) return
    if (n.type === 'import_statement' || n.type === 'import_from_statement') return
    if (n.type === 'identifier') {
      const isStore = parent?.type === 'assignment' && n.field === 'left'
      const isKeyword = parent?.type === 'keyword_argument' && n.field === 'name'
      if (!isStore && !isKeyword) used.add(text(n))
    }
    for (const c of n.children) visit(c, n)
  }
  visit(root, null)
  for (const ext of decls.externals) {
    if (!used.has(ext.name)) {
      warn(
        ext.node,
        'W002',
        `External function '${ext.name}' is declared but never called`,
        'remove the @external declaration if it is not needed',
      )
    }
  }
  for (const input of decls.inputs) {
    if (!used.has(input.name)) {
      warn(
        input.stmt,
        'W003',
        `Input '${input.name}' is declared but never referenced`,
        'remove the Input() declaration if it is not needed',
      )
    }
  }
}

function isNode(n: CstNode | undefined): n is CstNode {
  return n !== undefined
}

function firstLine(s: string): string {
  const line = s.split('\n')[0] ?? ''
  return line.length > 40 ? `${line.slice(0, 40)}...` : line
}

/** Lines as Python counts them (a final line without a newline still counts). */
export function countLines(source: Buffer): number {
  if (source.length === 0) return 0
  let n = 0
  for (const b of source) if (b === 0x0a) n++
  return source[source.length - 1] === 0x0a ? n : n + 1
}

/** `file:line:col CODE message`, the form every check result is reported in. */
export function formatDiagnostic(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col} ${d.code} ${d.message}`
}
