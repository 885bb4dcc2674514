/**
 * A deterministic, seeded generator of varied, valid Python files for syntax-layer tests and
 * benchmarks: nested classes, decorators (stacked, multi-line, duplicate property setters), async
 * defs, one-line bodies, non-ASCII identifiers and strings, comments at odd indentation, lambdas,
 * match statements, CRLF, tabs, a BOM and missing final newlines. Nothing is committed to disk.
 */

/** One generated file. */
export interface PyFile {
  name: string
  bytes: Buffer
  crlf: boolean
  bom: boolean
}

/** A small seeded PRNG (mulberry32): same seed, same corpus. */
export function makeRng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const NAMES = [
  'alpha',
  'beta',
  'gamma',
  'load',
  'save',
  'total',
  'parse',
  'run',
  'café',
  'données',
  '名前',
  'Δelta',
  'x1',
  '_private',
  '__init__',
  'handle',
]
const CLASS_NAMES = [
  'Widget',
  'Order',
  'Café',
  'Node',
  'Config',
  'Ärger',
  'Handler',
  'Point',
  'クラス',
  'Base',
]
const TEXTS = [
  'plain',
  'café au lait',
  '中文字符',
  'emoji 😀🎉',
  'naïve résumé',
  'tab\\tinside',
  'quote \\" here',
  'ascii only',
]

class Gen {
  private lines: string[] = []
  private readonly ind: string
  private serial = 0

  constructor(
    private readonly rnd: () => number,
    private readonly allowMatch: boolean,
  ) {
    const units = ['    ', '    ', '  ', '\t']
    this.ind = units[Math.floor(rnd() * units.length)]!
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rnd() * xs.length)]!
  }

  private chance(p: number): boolean {
    return this.rnd() < p
  }

  private emit(depth: number, text: string): void {
    this.lines.push(this.ind.repeat(depth) + text)
  }

  private name(pool: readonly string[]): string {
    this.serial++
    return this.chance(0.7) ? `${this.pick(pool)}_${this.serial}` : this.pick(pool)
  }

  module(): string[] {
    if (this.chance(0.5))
      this.emit(0, `"""Module ${this.pick(TEXTS)}.\n\nclass NotReal:\n    def fake(self): ...\n"""`)
    if (this.chance(0.6)) this.emit(0, 'import os')
    if (this.chance(0.3)) this.emit(0, 'from typing import Any')
    const items = 1 + Math.floor(this.rnd() * 6)
    for (let i = 0; i < items; i++) {
      this.blank(2)
      this.topItem()
    }
    if (this.chance(0.3)) this.emit(0, '# trailing module comment')
    return this.lines
  }

  private blank(n: number): void {
    for (let i = 0; i < n; i++) this.lines.push(this.chance(0.1) ? '   ' : '')
  }

  private topItem(): void {
    const r = this.rnd()
    if (r < 0.35) this.klass(0, 0)
    else if (r < 0.7) this.func(0, 0)
    else this.statement(0, 0)
  }

  private decorators(depth: number, inClass: boolean): number {
    let n = 0
    if (this.chance(0.35)) {
      const choices = inClass
        ? ['@staticmethod', '@classmethod', '@property', '@functools.cache', '@decorate(1, key="v")']
        : [
            '@functools.wraps(f)',
            '@decorate',
            '@app.route("/x")',
            '@decorate(\n    1,\n    2,\n)',
            '@(lambda f: f)',
          ]
      n = 1 + Math.floor(this.rnd() * 2)
      for (let i = 0; i < n; i++) {
        const d = this.pick(choices)
        const parts = d.split('\n')
        parts.forEach((p) => {
          this.emit(depth, p)
        })
        if (this.chance(0.15)) this.emit(depth, '# comment between decorators')
      }
    }
    return n
  }

  klass(depth: number, level: number): void {
    this.decorators(depth, false)
    const name = this.name(CLASS_NAMES)
    const bases = this.pick([
      '',
      '(Base)',
      '(object)',
      '(A, metaclass=M)',
      '(\n' + this.ind.repeat(depth + 1) + 'Base,\n' + this.ind.repeat(depth) + ')',
    ])
    if (this.chance(0.1)) {
      this.emit(depth, `class ${name}${bases}: pass`)
      return
    }
    this.emit(depth, `class ${name}${bases}:${this.chance(0.1) ? '  # header comment' : ''}`)
    const d = depth + 1
    if (this.chance(0.5)) this.emit(d, `"""Doc ${this.pick(TEXTS)}."""`)
    if (this.chance(0.4)) this.emit(d, `attr: int = ${Math.floor(this.rnd() * 100)}`)
    const members = 1 + Math.floor(this.rnd() * 4)
    for (let i = 0; i < members; i++) {
      this.blank(this.chance(0.8) ? 1 : 0)
      const r = this.rnd()
      if (r < 0.12 && level < 2) this.klass(d, level + 1)
      else if (r < 0.2) this.propertyPair(d)
      else if (r < 0.3) {
        this.emit(d, 'if TYPE_CHECKING:')
        this.func(d + 1, level + 1)
      } else this.func(d, level + 1, true)
    }
    this.trailingComments(d)
  }

  private propertyPair(d: number): void {
    const n = this.name(NAMES)
    this.emit(d, '@property')
    this.emit(d, `def ${n}(self) -> int:`)
    this.emit(d + 1, 'return self._v')
    this.blank(1)
    this.emit(d, `@${n}.setter`)
    this.emit(d, `def ${n}(self, v: int) -> None:`)
    this.emit(d + 1, 'self._v = v')
  }

  private trailingComments(d: number): void {
    if (this.chance(0.25)) this.emit(d, '# trailing comment inside the body')
    if (this.chance(0.15)) this.lines.push('# column-0 comment after the body')
  }

  func(depth: number, level: number, inClass = false): void {
    this.decorators(depth, inClass)
    const name = this.name(NAMES)
    const asyncKw = this.chance(0.2) ? 'async ' : ''
    const self = inClass ? 'self, ' : ''
    const sig = this.pick([
      `(${self}a, b=1)`,
      `(${self}*args, **kwargs) -> None`,
      `(${self}x: "str" = "${this.pick(TEXTS)}")`,
      `(\n${this.ind.repeat(depth + 1)}${self}a: int,\n${this.ind.repeat(depth + 1)}b: int = 2,\n${this.ind.repeat(depth)}) -> int`,
    ])
    if (this.chance(0.1)) {
      this.emit(depth, `${asyncKw}def ${name}${sig}: return 1`)
      return
    }
    this.emit(depth, `${asyncKw}def ${name}${sig}:`)
    const d = depth + 1
    if (this.chance(0.4))
      this.emit(
        d,
        `"""${this.pick(TEXTS)}\n\n${this.ind.repeat(d)}def not_a_def(): pass\n${this.ind.repeat(d)}"""`,
      )
    const stmts = 1 + Math.floor(this.rnd() * 4)
    for (let i = 0; i < stmts; i++) {
      if (this.chance(0.15) && level < 3) this.func(d, level + 1)
      else if (this.chance(0.08) && level < 3) this.klass(d, level + 1)
      else this.statement(d, level)
    }
    this.trailingComments(d)
  }

  private statement(d: number, level: number): void {
    const r = this.rnd()
    if (r < 0.15) this.emit(d, `value = "${this.pick(TEXTS)}"  # ${this.pick(TEXTS)}`)
    else if (r < 0.25) this.emit(d, `square = lambda v: v * v`)
    else if (r < 0.35) this.emit(d, `total = 1 + \\\n${this.ind.repeat(d + 1)}2`)
    else if (r < 0.42) this.emit(d, 'a = 1; b = 2')
    else if (r < 0.5) {
      this.emit(d, 'for i in range(3):')
      if (level < 3 && this.chance(0.5)) this.func(d + 1, level + 1)
      else this.emit(d + 1, 'print(i)')
    } else if (r < 0.58 && this.allowMatch) {
      this.emit(d, 'match command:')
      this.emit(d + 1, 'case [x, y]:')
      this.emit(d + 2, 'pass')
      this.emit(d + 1, 'case _:')
      if (level < 3 && this.chance(0.5)) this.func(d + 2, level + 1)
      else this.emit(d + 2, 'print("other")')
    } else if (r < 0.66) {
      this.emit(d, 'try:')
      this.emit(d + 1, 'import json')
      this.emit(d, 'except ImportError:')
      if (level < 3 && this.chance(0.5)) this.func(d + 1, level + 1)
      else this.emit(d + 1, 'json = None')
    } else if (r < 0.72) {
      this.emit(d, 'text = """')
      this.lines.push('class InString:')
      this.lines.push(`    ${this.pick(TEXTS)}`)
      this.lines.push('"""')
    } else if (r < 0.8) {
      this.emit(d, 'with open("f") as fh:')
      this.emit(d + 1, 'data = fh.read()')
      this.lines.push('# a comment at column 0 between statements')
      this.emit(d + 1, 'return_value = data')
    } else if (r < 0.86) this.emit(d, 'result = [x for x in range(10) if x % 2]')
    else if (r < 0.9) this.emit(d, `emoji = "${this.pick(TEXTS)}"`)
    else this.emit(d, `print(f"{value!r:>10}")`)
  }
}

/** One generated file: valid Python 3.11 (match statements only when `allowMatch`). */
export function generatePyFile(seed: number, index: number, allowMatch = true): PyFile {
  const rnd = makeRng(seed * 100_003 + index)
  const lines = new Gen(rnd, allowMatch).module()
  const crlf = rnd() < 0.2
  const bom = rnd() < 0.05
  const finalNewline = rnd() > 0.1
  const nl = crlf ? '\r\n' : '\n'
  const text = lines.join('\n').split('\n').join(nl) + (finalNewline ? nl : '')
  const body = Buffer.from(text, 'utf8')
  return {
    name: `pkg${index % 7}/mod_${index}.py`,
    bytes: bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]) : body,
    crlf,
    bom,
  }
}

/** `count` files from `seed`. */
export function generatePyCorpus(seed: number, count: number, allowMatch = true): PyFile[] {
  return Array.from({ length: count }, (_, i) => generatePyFile(seed, i, allowMatch))
}

/** Files from `seed` until their total size reaches `totalBytes` (benchmarks). */
export function generatePyCorpusBytes(seed: number, totalBytes: number): PyFile[] {
  const out: PyFile[] = []
  let size = 0
  for (let i = 0; size < totalBytes; i++) {
    const f = generatePyFile(seed, i)
    out.push(f)
    size += f.bytes.length
  }
  return out
}
