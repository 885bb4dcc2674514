import { type CstNode, parseCst } from '../syntax/cst.js'

/** A Python annotation as far as the host can check values against it; `other` is not checked. */
export type PyType =
  | { kind: 'any' }
  | { kind: 'none' }
  | { kind: 'str' }
  | { kind: 'int' }
  | { kind: 'float' }
  | { kind: 'bool' }
  | { kind: 'list'; item: PyType }
  | { kind: 'dict'; key: PyType; value: PyType }
  | { kind: 'tuple'; items: PyType[] | null; rest: PyType | null }
  | { kind: 'union'; options: PyType[] }
  | { kind: 'literal'; values: (string | number | boolean | null)[] }
  | { kind: 'other'; text: string }

const ANY: PyType = { kind: 'any' }

/** Reads a PyType from an annotation CST node (the `type` node or its expression). */
export function typeFromCst(bytes: Buffer, node: CstNode): PyType {
  const text = (n: CstNode): string => bytes.toString('utf8', n.startByte, n.endByte)
  const named = (n: CstNode): CstNode[] => n.children.filter((c) => c.named && c.type !== 'comment')
  const build = (n: CstNode): PyType => {
    switch (n.type) {
      case 'type':
        return named(n)[0] ? build(named(n)[0] as CstNode) : { kind: 'other', text: text(n) }
      case 'none':
        return { kind: 'none' }
      case 'identifier':
      case 'attribute':
        return fromHead(headName(n, text), [], text(n))
      case 'binary_operator': {
        const left = n.children.find((c) => c.field === 'left')
        const right = n.children.find((c) => c.field === 'right')
        const op = n.children.find((c) => c.field === 'operator')
        if (!left || !right || !op || op.type !== '|') return { kind: 'other', text: text(n) }
        return union([build(left), build(right)])
      }
      case 'string':
        return parseTypeText(stringValue(n, bytes) ?? text(n))
      case 'generic_type': {
        const head = named(n)[0]
        const params = n.children.find((c) => c.type === 'type_parameter')
        const args = params ? named(params) : []
        return fromHead(head ? headName(head, text) : '', args.map(argOf(build, text)), text(n))
      }
      case 'subscript': {
        const value = n.children.find((c) => c.field === 'value')
        const args = n.children.filter((c) => c.field === 'subscript')
        return fromHead(value ? headName(value, text) : '', args.map(argOf(build, text)), text(n))
      }
      default:
        return { kind: 'other', text: text(n) }
    }
  }
  return build(node)
}

type Arg = { type: PyType; ellipsis: boolean; literal: string | number | boolean | null | undefined }

function argOf(build: (n: CstNode) => PyType, text: (n: CstNode) => string): (n: CstNode) => Arg {
  return (n) => {
    const inner = n.type === 'type' ? (n.children.find((c) => c.named) ?? n) : n
    return {
      type: inner.type === 'ellipsis' ? ANY : build(n),
      ellipsis: inner.type === 'ellipsis',
      literal: literalOf(inner, text(inner)),
    }
  }
}

function literalOf(n: CstNode, raw: string): string | number | boolean | null | undefined {
  if (n.type === 'integer' || n.type === 'float') return Number(raw.replaceAll('_', ''))
  if (n.type === 'true') return true
  if (n.type === 'false') return false
  if (n.type === 'none') return null
  if (n.type === 'string') return raw.slice(1, -1)
  return undefined
}

function headName(n: CstNode, text: (n: CstNode) => string): string {
  if (n.type === 'attribute') {
    const attr = n.children.find((c) => c.field === 'attribute')
    return attr ? text(attr) : text(n)
  }
  return text(n)
}

function union(options: PyType[]): PyType {
  const flat = options.flatMap((o) => (o.kind === 'union' ? o.options : [o]))
  if (flat.some((o) => o.kind === 'any')) return ANY
  return { kind: 'union', options: flat }
}

function fromHead(head: string, args: Arg[], raw: string): PyType {
  const arg = (i: number): PyType => args[i]?.type ?? ANY
  switch (head) {
    case 'Any':
    case 'object':
      return ANY
    case 'None':
    case 'NoneType':
      return { kind: 'none' }
    case 'str':
    case 'int':
    case 'float':
    case 'bool':
      return { kind: head }
    case 'list':
    case 'List':
    case 'Sequence':
      return { kind: 'list', item: arg(0) }
    case 'dict':
    case 'Dict':
    case 'Mapping':
      return { kind: 'dict', key: args.length > 0 ? arg(0) : ANY, value: arg(1) }
    case 'tuple':
    case 'Tuple': {
      if (args.length === 0) return { kind: 'tuple', items: null, rest: ANY }
      if (args.length === 2 && args[1]?.ellipsis) return { kind: 'tuple', items: null, rest: arg(0) }
      return { kind: 'tuple', items: args.map((a) => a.type), rest: null }
    }
    case 'Optional':
      return union([arg(0), { kind: 'none' }])
    case 'Union':
      return union(args.map((a) => a.type))
    case 'Literal': {
      const values = args.map((a) => a.literal)
      if (values.some((v) => v === undefined)) return { kind: 'other', text: raw }
      return { kind: 'literal', values: values.filter((v) => v !== undefined) }
    }
    default:
      return { kind: 'other', text: raw }
  }
}

function stringValue(n: CstNode, bytes: Buffer): string | null {
  const content = n.children.filter((c) => c.type === 'string_content')
  if (content.length !== 1 || !content[0]) return null
  return bytes.toString('utf8', content[0].startByte, content[0].endByte)
}

/** Parses a type written as text (e.g. 'dict[str, Any]'), as the host externals table does. */
export function parseTypeText(text: string): PyType {
  const bytes = Buffer.from(`_: ${text}\n`)
  const root = parseCst('python', bytes)
  const assign = root.children[0]?.children[0]
  const typeNode = assign?.children.find((c) => c.field === 'type')
  return typeNode ? typeFromCst(bytes, typeNode) : { kind: 'other', text }
}

/** Python-style spelling of a type, for messages and docs. */
export function formatType(t: PyType): string {
  switch (t.kind) {
    case 'any':
      return 'Any'
    case 'none':
      return 'None'
    case 'list':
      return `list[${formatType(t.item)}]`
    case 'dict':
      return `dict[${formatType(t.key)}, ${formatType(t.value)}]`
    case 'tuple':
      return t.items
        ? `tuple[${t.items.map(formatType).join(', ')}]`
        : `tuple[${formatType(t.rest ?? ANY)}, ...]`
    case 'union':
      return t.options.map(formatType).join(' | ')
    case 'literal':
      return `Literal[${t.values.map((v) => JSON.stringify(v)).join(', ')}]`
    case 'other':
      return t.text
    default:
      return t.kind
  }
}

/** The Python type name a host value would have inside the script. */
export function pythonTypeOf(value: unknown): string {
  if (value === null || value === undefined) return 'None'
  if (typeof value === 'string') return 'str'
  if (typeof value === 'boolean') return 'bool'
  if (typeof value === 'bigint') return 'int'
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float'
  if (Array.isArray(value)) return isTuple(value) ? 'tuple' : 'list'
  if (value instanceof Map || isPlainObject(value)) return 'dict'
  return typeof value
}

/** Monty marks tuples as arrays carrying a `__tuple__` flag. */
export function isTuple(value: unknown[]): boolean {
  return (value as unknown[] & { __tuple__?: unknown }).__tuple__ === true
}

/** A plain `{}` object (not a class instance, array or Map). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false
  const proto = Object.getPrototypeOf(value)
  return proto === Object.prototype || proto === null
}

/** Whether a host or Monty value fits the annotation; `other` types are not checked. */
export function matchesType(value: unknown, t: PyType): boolean {
  switch (t.kind) {
    case 'any':
    case 'other':
      return true
    case 'none':
      return value === null || value === undefined
    case 'str':
      return typeof value === 'string'
    case 'int':
      return typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value))
    case 'float':
      return typeof value === 'number' || typeof value === 'bigint'
    case 'bool':
      return typeof value === 'boolean'
    case 'list':
      return Array.isArray(value) && value.every((v) => matchesType(v, t.item))
    case 'tuple': {
      if (!Array.isArray(value)) return false
      if (t.items)
        return value.length === t.items.length && t.items.every((it, i) => matchesType(value[i], it))
      return value.every((v) => matchesType(v, t.rest ?? ANY))
    }
    case 'dict': {
      if (value instanceof Map) {
        return [...value].every(([k, v]) => matchesType(k, t.key) && matchesType(v, t.value))
      }
      if (!isPlainObject(value)) return false
      return Object.entries(value).every(([k, v]) => matchesType(k, t.key) && matchesType(v, t.value))
    }
    case 'union':
      return t.options.some((o) => matchesType(value, o))
    case 'literal':
      return t.values.some((v) => v === value || (v === null && value === undefined))
  }
}
