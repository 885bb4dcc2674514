import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { bomLength, discoverFileNodes, lineStarts, type MNode, walkNodes } from '../../../src/syntax/index.js'
import { generatePyCorpus } from '../../support/pycorpus.js'

// One python3 process for the whole corpus: it reports every class/def with ast's own positions.
const AST_SCRIPT = `
import ast, base64, json, sys
out = []
for f in json.load(sys.stdin):
    tree = ast.parse(base64.b64decode(f["b64"]))
    recs = []
    def visit(node, names, in_class):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                is_class = isinstance(child, ast.ClassDef)
                kind = "class" if is_class else ("method" if in_class else "function")
                path = names + [child.name]
                deco = child.decorator_list[0].lineno if child.decorator_list else None
                recs.append([kind, ".".join(path), deco or child.lineno, child.end_lineno,
                             child.lineno, child.col_offset, child.end_col_offset, bool(child.decorator_list)])
                visit(child, path, is_class)
            else:
                visit(child, names, in_class)
    visit(tree, [], False)
    out.append(recs)
json.dump(out, sys.stdout)
`

const AstRecordSchema = z.tuple([
  z.string(),
  z.string(),
  z.number(),
  z.number(),
  z.number(),
  z.number(),
  z.number(),
  z.boolean(),
])
type AstRecord = z.infer<typeof AstRecordSchema>

function ours(file: MNode): { rec: AstRecord; node: MNode }[] {
  const out: { rec: AstRecord; node: MNode }[] = []
  const names = new Map<string, string>()
  for (const n of walkNodes(file)) {
    if (n.kind === 'file') continue
    const qual = n.parentId && names.has(n.parentId) ? `${names.get(n.parentId)}.${n.name}` : n.name
    names.set(n.id, qual)
    // Columns are compared separately (as bytes); the record keeps the ast-comparable fields.
    out.push({ rec: [n.kind, qual, n.startLine, n.endLine, 0, 0, 0, n.decorated], node: n })
  }
  return out
}

describe('Python node discovery agrees with python3 ast', () => {
  const corpus = generatePyCorpus(20240611, 400)

  it('names, kinds, line ranges and exact byte ranges match for every generated file', () => {
    const input = JSON.stringify(corpus.map((f) => ({ name: f.name, b64: f.bytes.toString('base64') })))
    const stdout = execFileSync('python3', ['-c', AST_SCRIPT], { input, maxBuffer: 256 * 1024 * 1024 })
    const all = z.array(z.array(AstRecordSchema)).parse(JSON.parse(stdout.toString('utf8')))
    expect(all.length).toBe(corpus.length)
    let checked = 0
    corpus.forEach((f, i) => {
      const file = discoverFileNodes(f.name, f.bytes, 'python')
      const mine = ours(file)
      const theirs = all[i]!
      const key = (r: AstRecord): string => `${r[0]} ${r[1]} ${r[2]}-${r[3]} ${r[7]}`
      expect(mine.map((m) => key(m.rec)).sort(), f.name).toEqual(theirs.map(key).sort())
      // Byte ranges: ast columns are UTF-8 byte offsets (line 1 excludes a BOM).
      const starts = lineStarts(f.bytes)
      const bom = bomLength(f.bytes)
      const lineStart = (line: number): number => (line === 1 ? bom : starts[line - 1]!)
      const byKey = new Map(mine.map((m) => [key(m.rec), m.node] as const))
      for (const r of theirs) {
        const node = byKey.get(key(r))!
        const defStart = lineStart(r[4]) + r[5]
        const end = lineStart(r[3]) + r[6]
        expect(node.endByte, `${node.id} end`).toBe(end)
        if (r[7]) expect(f.bytes[node.startByte], `${node.id} starts at '@'`).toBe(0x40)
        else expect(node.startByte, `${node.id} start`).toBe(defStart)
        checked++
      }
    })
    expect(checked).toBeGreaterThan(2000)
  })
})
