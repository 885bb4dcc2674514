import { describe, expect, it } from 'vitest'
import { type CstNode, parseCst } from '../../../src/syntax/cst.js'

function flatten(node: CstNode, out: CstNode[] = []): CstNode[] {
  out.push(node)
  for (const child of node.children) flatten(child, out)
  return out
}

function sliceOf(bytes: Buffer, node: CstNode): string {
  return bytes.toString('utf8', node.startByte, node.endByte)
}

describe('parseCst', () => {
  it('reports UTF-8 byte offsets and byte columns with non-ASCII text', () => {
    const bytes = Buffer.from('s = "café 日本 😀"\nnäme = 1\n', 'utf8')
    const root = parseCst('python', bytes)
    expect(root.endByte).toBe(bytes.length)
    const nodes = flatten(root)
    const ident = nodes.find((n) => n.type === 'identifier' && sliceOf(bytes, n) === 'näme')
    expect(ident).toBeDefined()
    expect(ident?.startByte).toBe(bytes.indexOf('näme'))
    expect(ident?.startRow).toBe(1)
    expect(ident?.startCol).toBe(0)
    expect(ident?.endCol).toBe(Buffer.byteLength('näme'))
    const str = nodes.find((n) => n.type === 'string')
    expect(str && sliceOf(bytes, str)).toBe('"café 日本 😀"')
    const one = nodes.find((n) => n.type === 'integer')
    expect(one && sliceOf(bytes, one)).toBe('1')
    expect(one?.startCol).toBe(Buffer.byteLength('näme = '))
  })

  it('slices every node exactly for a mixed file', () => {
    const bytes = Buffer.from(
      '# ñ\ndef f(x: int) -> str:\n    """Ω docstring 🎉"""\n    return str(x)\n\nclass 类:\n    pass\n',
    )
    for (const node of flatten(parseCst('python', bytes))) {
      expect(node.startByte).toBeLessThanOrEqual(node.endByte)
      expect(node.endByte).toBeLessThanOrEqual(bytes.length)
      const text = sliceOf(bytes, node)
      if (node.type === 'identifier') expect(text).toMatch(/^[\p{L}_][\p{L}\p{N}_]*$/u)
    }
    const names = flatten(parseCst('python', bytes))
      .filter((n) => n.field === 'name')
      .map((n) => sliceOf(bytes, n))
    expect(names).toEqual(['f', '类'])
  })

  it('exposes field names, ERROR and MISSING nodes', () => {
    const bytes = Buffer.from('x = (1,\ny = 2\n')
    const nodes = flatten(parseCst('python', bytes))
    expect(nodes.some((n) => n.isError || n.isMissing)).toBe(true)
    const ok = flatten(parseCst('python', Buffer.from('a: int = 1\n')))
    const assign = ok.find((n) => n.type === 'assignment')
    expect(assign?.children.map((c) => c.field).filter(Boolean)).toEqual(['left', 'type', 'right'])
  })

  it('keeps offsets pointing at the original bytes when the input is not valid UTF-8', () => {
    const bytes = Buffer.concat([Buffer.from('x = "'), Buffer.from([0xff, 0xfe]), Buffer.from('"\ny = 1\n')])
    const nodes = flatten(parseCst('python', bytes))
    const y = nodes.find((n) => n.type === 'identifier' && n.startRow === 1)
    expect(y?.startByte).toBe(bytes.indexOf('y = 1'))
  })

  it('parses TOML and large inputs', () => {
    const toml = Buffer.from('[project]\nname = "ünï"\n')
    const root = parseCst('toml', toml)
    expect(root.endByte).toBe(toml.length)
    const big = Buffer.from(Array.from({ length: 4000 }, (_, i) => `v${i} = "é${i}"\n`).join(''))
    const tree = parseCst('python', big)
    expect(tree.children.length).toBe(4000)
    const last = tree.children[3999]
    expect(last && sliceOf(big, last)).toBe('v3999 = "é3999"')
  })

  it('refuses languages without an installed grammar', () => {
    expect(() => parseCst('markdown', Buffer.from('# x\n'))).toThrow(/markdown/)
  })
})
