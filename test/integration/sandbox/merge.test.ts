import { execFileSync } from 'node:child_process'
import { afterEach, describe, expect, it } from 'vitest'
import { isMomentumError } from '../../../src/errors/index.js'
import { Git } from '../../../src/git/index.js'
import {
  childPatches,
  createSandbox,
  type Ownership,
  removeRun,
  structuralMerge,
} from '../../../src/sandbox/index.js'
import { makeRepo, type TempRepo } from '../../support/repo.js'

const CART = `class Cart:
    def __init__(self):
        self.items = []

    def add(self, item):
        self.items.append(item)

    def total(self):
        return sum(i.price for i in self.items)
`

function range(src: string, startMarker: string, endMarker: string | null): { start: number; end: number } {
  const buf = Buffer.from(src)
  const start = buf.indexOf(startMarker)
  const end = endMarker === null ? buf.length : buf.indexOf(endMarker)
  return { start, end }
}

let repo: TempRepo | null = null
afterEach(async () => {
  await repo?.cleanup()
  repo = null
})

async function setup(files: Record<string, string> = { 'shop/cart.py': CART }) {
  repo = await makeRepo(files)
  const git = await Git.open(repo.path)
  const base = await git.headCommit()
  return { repo, git, base }
}

function replaceIn(src: Buffer, from: string, to: string): Buffer {
  const i = src.indexOf(from)
  return Buffer.concat([src.subarray(0, i), Buffer.from(to), src.subarray(i + Buffer.byteLength(from))])
}

// Methods with no blank line between them: their edits are on adjacent lines.
const TIGHT = `class Cart:
    def add(self, item):
        self.items.append(item)
    def total(self):
        return sum(i.price for i in self.items)
`

describe('structural merge', () => {
  it('merges two neighbouring methods that plain git merge conflicts on', async () => {
    const CART = TIGHT
    const { repo, git, base } = await setup({ 'shop/cart.py': TIGHT })
    const addR = range(CART, '    def add', '    def total')
    const totR = range(CART, '    def total', null)
    const file: Ownership[] = [{ path: 'shop/cart.py', whole: true }]
    const parent = await createSandbox(git, { runId: 'r1', agentId: 'shop/cart.py', base, owns: file })
    const a = await createSandbox(git, {
      runId: 'r1',
      agentId: 'shop/cart.py::Cart.add',
      base,
      owns: [{ path: 'shop/cart.py', ...addR }],
    })
    const t = await createSandbox(git, {
      runId: 'r1',
      agentId: 'shop/cart.py::Cart.total',
      base,
      owns: [{ path: 'shop/cart.py', ...totR }],
    })
    // Edits on adjacent lines: the last line of add() and the first line of total().
    await a.writeFile(
      'shop/cart.py',
      replaceIn(
        await a.readFile('shop/cart.py'),
        'self.items.append(item)\n',
        'self.items.insert(0, item)\n',
      ),
    )
    await t.writeFile(
      'shop/cart.py',
      replaceIn(
        await t.readFile('shop/cart.py'),
        '    def total(self):\n',
        '    def total(self) -> float:\n',
      ),
    )
    const aHead = await a.commit('add returns self', { 'Momentum-Attempt': '1' })
    const tHead = await t.commit('total is typed', { 'Momentum-Attempt': '1' })

    // Plain git merge of the same two branches conflicts (run in a scratch clone-free worktree).
    repo.git('worktree', 'add', '-q', '--detach', `${repo.path}/../plain-${process.pid}`, aHead)
    const plain = `${repo.path}/../plain-${process.pid}`
    let plainFailed = false
    try {
      execFileSync(
        'git',
        ['-C', plain, '-c', 'user.name=t', '-c', 'user.email=t@t', 'merge', '--no-edit', tHead],
        { stdio: 'pipe' },
      )
    } catch {
      plainFailed = true
    }
    repo.git('worktree', 'remove', '--force', plain)
    expect(plainFailed).toBe(true)

    const result = await structuralMerge(git, {
      parent,
      children: [
        { agentId: a.agentId, head: aHead, owns: [...a.owns] },
        { agentId: t.agentId, head: tHead, owns: [...t.owns] },
      ],
      message: 'merge methods',
      trailers: {},
    })
    expect(result.ok).toBe(true)
    if (!result.ok) return
    const merged = await git.readBlob(result.commit, 'shop/cart.py')
    expect(merged.toString()).toContain('        self.items.insert(0, item)\n')
    expect(merged.toString()).toContain('def total(self) -> float:')
    const parents = repo.git('rev-list', '--parents', '-n', '1', result.commit).split(' ')
    expect(parents.slice(1).sort()).toEqual([base, aHead, tHead].sort())
    expect(await parent.head()).toBe(result.commit)
    expect((await parent.readFile('shop/cart.py')).equals(merged)).toBe(true)
    await removeRun(git, 'r1')
  })

  it('refuses a child that edits outside its range, naming the stray bytes', async () => {
    const { git, base } = await setup()
    const totR = range(CART, '    def total', null)
    const t = await createSandbox(git, {
      runId: 'r2',
      agentId: 'shop/cart.py::Cart.total',
      base,
      owns: [{ path: 'shop/cart.py', ...totR }],
    })
    await t.writeFile(
      'shop/cart.py',
      replaceIn(await t.readFile('shop/cart.py'), 'class Cart:', 'class Basket:'),
    )
    const err = await t.commit('sneaky', {}).catch((e: unknown) => e)
    expect(isMomentumError(err) && err.code).toBe('RANGE_VIOLATION')
    expect(String((err as Error).message)).toMatch(
      /shop\/cart\.py:\d+-\d+ is outside shop\/cart\.py::Cart\.total's range/,
    )
    expect(await t.head()).toBe(base)
    await expect(t.writeFile('README.md', Buffer.from('x'))).rejects.toMatchObject({
      code: 'RANGE_VIOLATION',
    })
    await expect(t.writeFile('../x.py', Buffer.from('x'))).rejects.toMatchObject({ code: 'USAGE' })
    await removeRun(git, 'r2')
  })

  it('refuses at merge time a child branch that touched another file behind the API', async () => {
    const { repo, git, base } = await setup({ 'shop/cart.py': CART, 'shop/other.py': 'x = 1\n' })
    const parent = await createSandbox(git, {
      runId: 'r3',
      agentId: 'shop/',
      base,
      owns: [{ path: 'shop/', whole: true }],
    })
    const totR = range(CART, '    def total', null)
    const owns: Ownership[] = [{ path: 'shop/cart.py', ...totR }]
    // A hand-made commit on another file, as if a tool committed directly in the worktree.
    const tree = repo.git('mktree', '--missing').trim()
    void tree
    const blob = execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: repo.path, input: 'x = 2\n' })
      .toString()
      .trim()
    const lsBase = repo.git('ls-tree', base, 'shop/').split('\n')
    const shopEntries = lsBase
      .map((l) => (l.endsWith('\tshop/other.py') ? l.replace(/[0-9a-f]{40}/, blob) : l))
      .map((l) => l.replace('shop/', ''))
    const shopTree = execFileSync('git', ['mktree'], { cwd: repo.path, input: `${shopEntries.join('\n')}\n` })
      .toString()
      .trim()
    const rootTree = execFileSync('git', ['mktree'], {
      cwd: repo.path,
      input: `040000 tree ${shopTree}\tshop\n`,
    })
      .toString()
      .trim()
    const bad = repo.git('commit-tree', rootTree, '-p', base, '-m', 'rogue')
    await expect(childPatches(git, base, bad, owns, 'rogue')).rejects.toMatchObject({
      code: 'RANGE_VIOLATION',
    })
    const result = await structuralMerge(git, {
      parent,
      children: [{ agentId: 'rogue', head: bad, owns }],
      message: 'm',
      trailers: {},
    })
    expect(result).toMatchObject({ ok: false, conflict: { kind: 'range-violation', agents: ['rogue'] } })
    await removeRun(git, 'r3')
  })

  it('reports two children each adding `def total` to one class', async () => {
    const { git, base } = await setup()
    const addR = range(CART, '    def add', '    def total')
    const initR = range(CART, '    def __init__', '    def add')
    const parent = await createSandbox(git, {
      runId: 'r4',
      agentId: 'shop/cart.py::Cart',
      base,
      owns: [{ path: 'shop/cart.py', start: 0, end: Buffer.byteLength(CART) }],
    })
    const a = await createSandbox(git, {
      runId: 'r4',
      agentId: 'A',
      base,
      owns: [{ path: 'shop/cart.py', ...addR }],
    })
    const b = await createSandbox(git, {
      runId: 'r4',
      agentId: 'B',
      base,
      owns: [{ path: 'shop/cart.py', ...initR }],
    })
    await a.writeFile(
      'shop/cart.py',
      replaceIn(
        await a.readFile('shop/cart.py'),
        '    def total',
        '    def total2(self):\n        return 0\n\n    def total',
      ),
    )
    await b.writeFile(
      'shop/cart.py',
      replaceIn(
        await b.readFile('shop/cart.py'),
        '    def add',
        '    def subtotal(self):\n        return 1\n\n    def add',
      ),
    )
    const aHead = await a.commit('a', {})
    const bHead = await b.commit('b', {})
    const ok = await structuralMerge(git, {
      parent,
      children: [
        { agentId: 'A', head: aHead, owns: [...a.owns] },
        { agentId: 'B', head: bHead, owns: [...b.owns] },
      ],
      message: 'm',
      trailers: {},
    })
    expect(ok.ok).toBe(true)
    await removeRun(git, 'r4')

    const p2 = await createSandbox(git, {
      runId: 'r5',
      agentId: 'shop/cart.py::Cart',
      base,
      owns: [{ path: 'shop/cart.py', start: 0, end: Buffer.byteLength(CART) }],
    })
    const a2 = await createSandbox(git, {
      runId: 'r5',
      agentId: 'A',
      base,
      owns: [{ path: 'shop/cart.py', ...addR }],
    })
    const b2 = await createSandbox(git, {
      runId: 'r5',
      agentId: 'B',
      base,
      owns: [{ path: 'shop/cart.py', ...initR }],
    })
    await a2.writeFile(
      'shop/cart.py',
      replaceIn(
        await a2.readFile('shop/cart.py'),
        '    def total',
        '    def grand(self):\n        return 0\n\n    def total',
      ),
    )
    await b2.writeFile(
      'shop/cart.py',
      replaceIn(
        await b2.readFile('shop/cart.py'),
        '    def add',
        '    def grand(self):\n        return 1\n\n    def add',
      ),
    )
    const dup = await structuralMerge(git, {
      parent: p2,
      children: [
        { agentId: 'A', head: await a2.commit('a', {}), owns: [...a2.owns] },
        { agentId: 'B', head: await b2.commit('b', {}), owns: [...b2.owns] },
      ],
      message: 'm',
      trailers: {},
    })
    expect(dup).toMatchObject({ ok: false, conflict: { kind: 'duplicate-definition' } })
    if (!dup.ok) expect(dup.conflict.agents.sort()).toEqual(['A', 'B'])
    expect(await p2.head()).toBe(base)
    await removeRun(git, 'r5')
  })

  it('reports a child introducing a name that already exists, and a result that does not parse', async () => {
    const { git, base } = await setup()
    const addR = range(CART, '    def add', '    def total')
    const parent = await createSandbox(git, {
      runId: 'r6',
      agentId: 'P',
      base,
      owns: [{ path: 'shop/cart.py', whole: true }],
    })
    const a = await createSandbox(git, {
      runId: 'r6',
      agentId: 'A',
      base,
      owns: [{ path: 'shop/cart.py', ...addR }],
    })
    await a.writeFile(
      'shop/cart.py',
      replaceIn(
        await a.readFile('shop/cart.py'),
        '    def total',
        '    def total(self):\n        return 0\n\n    def total',
      ),
    )
    const dup = await structuralMerge(git, {
      parent,
      children: [{ agentId: 'A', head: await a.commit('a', {}), owns: [...a.owns] }],
      message: 'm',
      trailers: {},
    })
    expect(dup).toMatchObject({ ok: false, conflict: { kind: 'duplicate-definition', agents: ['A', 'P'] } })
    await a.reset()
    await a.writeFile(
      'shop/cart.py',
      replaceIn(await a.readFile('shop/cart.py'), '    def add(self, item):', '    def add(self, item)'),
    )
    const broken = await structuralMerge(git, {
      parent,
      children: [{ agentId: 'A', head: await a.commit('a2', {}), owns: [...a.owns] }],
      message: 'm',
      trailers: {},
    })
    expect(broken).toMatchObject({ ok: false, conflict: { kind: 'parse-error', agents: ['A'] } })
    await removeRun(git, 'r6')
  })

  it("merges file agents into a directory agent, including the parent's own edits", async () => {
    const { git, base } = await setup({
      'pkg/a.py': 'A = 1\n',
      'pkg/b.py': 'B = 1\n',
      'pkg/c d é.py': 'C = 1\n',
    })
    const dir = await createSandbox(git, {
      runId: 'r7',
      agentId: 'pkg/',
      base,
      owns: [{ path: 'pkg/', whole: true }],
    })
    await dir.writeFile('pkg/c d é.py', Buffer.from('C = 2\n'))
    await dir.commit('own edit', {})
    const fa = await createSandbox(git, {
      runId: 'r7',
      agentId: 'pkg/a.py',
      base,
      owns: [{ path: 'pkg/a.py', whole: true }],
    })
    const fn = await createSandbox(git, {
      runId: 'r7',
      agentId: 'pkg/new.py',
      base,
      owns: [{ path: 'pkg/new.py', whole: true }],
    })
    await fa.writeFile('pkg/a.py', Buffer.from('A = 2\n'))
    await fn.writeFile('pkg/new.py', Buffer.from('N = 1\n'))
    const res = await structuralMerge(git, {
      parent: dir,
      children: [
        { agentId: fa.agentId, head: await fa.commit('a', {}), owns: [...fa.owns] },
        { agentId: fn.agentId, head: await fn.commit('n', {}), owns: [...fn.owns] },
      ],
      message: 'dir merge',
      trailers: {},
    })
    expect(res.ok).toBe(true)
    if (!res.ok) return
    expect((await git.readBlob(res.commit, 'pkg/a.py')).toString()).toBe('A = 2\n')
    expect((await git.readBlob(res.commit, 'pkg/new.py')).toString()).toBe('N = 1\n')
    expect((await git.readBlob(res.commit, 'pkg/c d é.py')).toString()).toBe('C = 2\n')
    expect((await git.readBlob(res.commit, 'pkg/b.py')).toString()).toBe('B = 1\n')
    await removeRun(git, 'r7')
  })
})
