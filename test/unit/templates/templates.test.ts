import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { isMomentumError } from '../../../src/errors/index.js'
import { discoverFileNodes } from '../../../src/syntax/discover.js'
import { checkTemplatesAndScripts, hasErrors } from '../../../src/templates/check.js'
import { listTemplates, loadAllTemplates, loadTemplate, parseTemplate } from '../../../src/templates/load.js'
import { packageRoot } from '../../../src/templates/paths.js'
import { mergeVars, renderText, resolveBlocks } from '../../../src/templates/render.js'
import { isReplyKind, REPLY_SCHEMAS, replyInstruction } from '../../../src/templates/replies.js'
import {
  matchBlocks,
  nameGlob,
  normalizeName,
  pathGlob,
  templateForNode,
} from '../../../src/templates/select.js'
import { fixtures } from './helpers.js'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function scratch(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'momentum-templates-'))
  dirs.push(root)
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true })
    writeFileSync(join(root, rel), text)
  }
  return root
}

function errorOf(fn: () => unknown): { code: string; message: string; hint: string; line: unknown } {
  try {
    fn()
  } catch (err) {
    if (isMomentumError(err))
      return { code: err.code, message: err.message, hint: err.hint, line: err.data.line }
    throw err
  }
  throw new Error('expected an error')
}

describe('built-in templates', () => {
  it('all load, with every script they name resolved from grail/', async () => {
    const all = await loadAllTemplates({ repoRoot: null })
    expect(all.map((t) => t.name).sort()).toEqual(['pyproject', 'python-class', 'python-module', 'readme'])
    for (const t of all) {
      expect(t.origin).toBe('builtin')
      for (const s of Object.values(t.scripts))
        expect(s.file.startsWith(join(packageRoot(), 'grail'))).toBe(true)
    }
  })

  it('pass `scripts check` with no finding', async () => {
    const report = await checkTemplatesAndScripts({ repoRoot: null })
    expect(report.diagnostics).toEqual([])
    expect(report.files.filter((f) => f.endsWith('.pym')).length).toBeGreaterThanOrEqual(10)
  })

  it('pyproject blocks claim the fixture tables as the seed describes', async () => {
    const t = await loadTemplate('pyproject', { repoRoot: null })
    const blocks = resolveBlocks(t, mergeVars(t))
    const bytes = fixtures().find((f) => f.name === 'hatch-full.toml')!.bytes
    const m = matchBlocks(blocks, discoverFileNodes('pyproject.toml', bytes, 'toml').children)
    const owner = Object.fromEntries(m.assigned.map((a) => [a.node.name, a.block?.name ?? null]))
    expect(owner).toEqual({
      'build-system': 'build-system',
      project: 'project',
      'project.optional-dependencies': 'project',
      'project.scripts': 'scripts',
      'project.urls': 'project',
      'tool.ruff': 'tools',
      'tool.ruff.lint': 'tools',
      'tool.pytest.ini_options': 'tests',
      'tool.coverage.run': 'tests',
    })
    expect(m.missing).toEqual([])
    const noTests = fixtures().find((f) => f.name === 'setuptools-no-tests.toml')!.bytes
    const m2 = matchBlocks(blocks, discoverFileNodes('pyproject.toml', noTests, 'toml').children)
    expect(m2.missing.map((b) => b.name)).toEqual(['tests'])
    expect(m2.missing[0]!.skeleton).toContain('[tool.pytest.ini_options]')
  })

  it('python-class expands one method block per spec entry, and matches existing methods', async () => {
    const t = await loadTemplate('python-class', { repoRoot: null })
    const spec = [
      'add_item',
      { name: 'total', returns: 'float', doc: 'Sum of the prices' },
      'clear',
      'count',
      'save',
    ]
    const blocks = resolveBlocks(t, mergeVars(t, { methods: spec }))
    const methods = blocks.filter((b) => b.block.name === 'method')
    expect(methods.map((b) => b.name)).toEqual([
      'method:add_item',
      'method:total',
      'method:clear',
      'method:count',
      'method:save',
    ])
    expect(methods[1]!.skeleton).toBe(
      'def total(self) -> float:\n    """Sum of the prices."""\n    raise NotImplementedError\n',
    )
    const m = matchBlocks(blocks, [
      { kind: 'method' as const, name: '__init__' },
      { kind: 'method' as const, name: 'total' },
      { kind: 'method' as const, name: 'helper' },
    ])
    expect(m.assigned.map((a) => a.block?.name)).toEqual(['init', 'method:total', 'other-methods'])
    expect(m.missing.map((b) => b.name)).toEqual([
      'method:add_item',
      'method:clear',
      'method:count',
      'method:save',
    ])
    expect(m.regions.map((b) => b.name)).toEqual(['docstring'])
  })

  it('readme blocks select sections by heading, the title by position', async () => {
    const t = await loadTemplate('readme', { repoRoot: null })
    const blocks = resolveBlocks(t, mergeVars(t))
    const m = matchBlocks(blocks, [
      { kind: 'md_section' as const, name: 'acme' },
      { kind: 'md_section' as const, name: 'Installation' },
      { kind: 'md_section' as const, name: 'Contributing' },
      { kind: 'md_section' as const, name: 'Licence' },
    ])
    expect(m.assigned.map((a) => a.block?.name ?? null)).toEqual(['title', 'install', null, 'license'])
    expect(m.missing.map((b) => b.name)).toEqual(['usage'])
  })

  it('templateForNode picks by kind and path', async () => {
    const all = await loadAllTemplates({ repoRoot: null })
    expect(templateForNode(all, { kind: 'file', path: 'pkg/pyproject.toml' })?.name).toBe('pyproject')
    expect(templateForNode(all, { kind: 'file', path: 'src/a/b.py' })?.name).toBe('python-module')
    expect(templateForNode(all, { kind: 'class', path: 'src/a/b.py' })?.name).toBe('python-class')
    expect(templateForNode(all, { kind: 'file', path: 'README.md' })?.name).toBe('readme')
    expect(templateForNode(all, { kind: 'file', path: 'Cargo.toml' })).toBeNull()
  })
})

describe('globs and names', () => {
  it('name globs are case-insensitive and cross dots; path globs respect segments', () => {
    expect(nameGlob('tool.*').test('tool.ruff.lint')).toBe(true)
    expect(nameGlob('licen?e*').test('LICENCE and copying')).toBe(true)
    expect(nameGlob('project').test('project.urls')).toBe(false)
    expect(pathGlob('**/pyproject.toml').test('pyproject.toml')).toBe(true)
    expect(pathGlob('**/pyproject.toml').test('a/b/pyproject.toml')).toBe(true)
    expect(pathGlob('*.py').test('a/b.py')).toBe(false)
    expect(normalizeName(' tool . "ruff" ')).toBe('tool.ruff')
  })
})

describe('rendering', () => {
  it('renders without escaping and fails on undefined variables, naming them', () => {
    expect(renderText('a = "{{ x }}" <{{ y }}>', { x: '&', y: 1 }, 'l')).toBe('a = "&" <1>')
    const e = errorOf(() => renderText('{{ nope }}', {}, 'tpl block b'))
    expect(e.code).toBe('TEMPLATE_INVALID')
    expect(e.message).toMatch(/tpl block b: .*undefined variable nope/)
    expect(e.hint).toMatch(/nope/)
  })

  it('a repeat over a non-list is a clear error', async () => {
    const t = await loadTemplate('python-class', { repoRoot: null })
    expect(errorOf(() => resolveBlocks(t, mergeVars(t, { methods: 'x' }))).message).toMatch(/not a list/)
  })
})

describe('template errors name file and line', () => {
  const good = 'name = "t"\napplies_to = { kind = "file" }\n'

  it('unknown key, bad kind, bad insert, duplicate block, TOML syntax, wrong name', () => {
    const typo = errorOf(() => parseTemplate(`${good}validatorz = []\n`, 't.template.toml'))
    expect(typo).toMatchObject({ code: 'TEMPLATE_INVALID', line: 3 })
    expect(typo.message).toMatch(/^t\.template\.toml:3: /)
    const kind = errorOf(() =>
      parseTemplate(
        `${good}\n[[blocks]]\nname = "a"\nselect = { kind = "toml_table" }\n\n[[blocks]]\nname = "b"\nselect = { kind = "tabel" }\n`,
        't.template.toml',
      ),
    )
    expect(kind.line).toBe(10)
    expect(kind.message).toMatch(/blocks\[1\]\.select\.kind/)
    expect(kind.hint).toMatch(/node kind/)
    const insert = errorOf(() =>
      parseTemplate(
        `${good}[[blocks]]\nname = "a"\nselect = { kind = "class" }\ninsert = { at = "middle" }\n`,
        't.template.toml',
      ),
    )
    expect(insert.line).toBe(6)
    const dup = errorOf(() =>
      parseTemplate(
        `${good}[[blocks]]\nname = "a"\nselect = { kind = "class" }\n[[blocks]]\nname = "a"\nselect = { kind = "class" }\n`,
        't.template.toml',
      ),
    )
    expect(dup).toMatchObject({ line: 7 })
    expect(dup.message).toMatch(/duplicate block name/)
    expect(errorOf(() => parseTemplate('name = "t"\napplies_to = {', 't.template.toml')).line).toBe(2)
    const name = errorOf(() => parseTemplate(good, 'other.template.toml'))
    expect(name.message).toMatch(/other\.template\.toml:1: name "t" does not match/)
  })

  it('a missing script is reported at the line naming it', async () => {
    const root = scratch({
      '.momentum/templates/t.template.toml': `${good}\n[[blocks]]\nname = "a"\nselect = { kind = "class" }\nscript = "ghost.pym"\n`,
    })
    await expect(loadTemplate('t', { repoRoot: root })).rejects.toMatchObject({
      code: 'SCRIPT_NOT_FOUND',
      data: { line: 7, script: 'ghost.pym' },
    })
    const report = await checkTemplatesAndScripts({ repoRoot: root })
    expect(report.diagnostics).toContainEqual(expect.objectContaining({ code: 'T002', line: 7 }))
    expect(hasErrors(report)).toBe(true)
  })

  it('scripts check reports skeletons that do not render and paths it cannot check', async () => {
    const root = scratch({
      'x/t.template.toml': `${good}\n[[blocks]]\nname = "a"\nselect = { kind = "class" }\nskeleton = "{{ who }}"\n`,
      'x/notes.txt': 'hello',
    })
    const report = await checkTemplatesAndScripts({
      repoRoot: root,
      paths: ['x/t.template.toml', 'x/notes.txt'],
    })
    const found = report.diagnostics.map((d) => [d.file, d.line, d.code])
    expect(found).toHaveLength(2)
    expect(found).toEqual(
      expect.arrayContaining([
        ['x/t.template.toml', 7, 'T003'],
        ['x/notes.txt', 1, 'T004'],
      ]),
    )
    expect(report.diagnostics.find((d) => d.code === 'T003')!.message).toMatch(/undefined variable who/)
  })

  it('an unknown template names the known ones', async () => {
    await expect(loadTemplate('nope', { repoRoot: null })).rejects.toMatchObject({
      code: 'TEMPLATE_NOT_FOUND',
      hint: expect.stringContaining('pyproject'),
    })
  })
})

describe('overrides in .momentum/', () => {
  it('a repo template shadows the built-in one; a repo script shadows the built-in script', async () => {
    const tpl = `name = "pyproject"\napplies_to = { kind = "file", path = "pyproject.toml" }\nscript = "pyproject.pym"\n`
    const root = scratch({
      '.momentum/templates/pyproject.template.toml': tpl,
      '.momentum/grail/pyproject.pym':
        'from grail import Input\nmode: str = Input("mode", default="vote")\n0.25 if mode == "vote" else mode\n',
    })
    const t = await loadTemplate('pyproject', { repoRoot: root })
    expect(t.origin).toBe('repo')
    expect(t.blocks).toEqual([])
    expect(t.scripts['pyproject.pym']).toEqual({
      file: join(root, '.momentum/grail/pyproject.pym'),
      origin: 'repo',
    })
    const listed = await listTemplates({ repoRoot: root })
    expect(listed.filter((l) => l.name === 'pyproject')).toEqual([
      { name: 'pyproject', file: join(root, '.momentum/templates/pyproject.template.toml'), origin: 'repo' },
    ])
    // `.momentum/scripts/` is accepted too, after `.momentum/grail/`.
    const alt = scratch({
      '.momentum/scripts/toml_tests.pym': 'from grail import Input\nx: int = Input("x", default=1)\nx\n',
    })
    const builtin = await loadTemplate('pyproject', { repoRoot: alt })
    expect(builtin.origin).toBe('builtin')
    expect(builtin.scripts['toml_tests.pym']?.origin).toBe('repo')
    expect(builtin.scripts['toml_project.pym']?.origin).toBe('builtin')
  })
})

describe('reply schemas', () => {
  it('validate the structured plans and reject free text', () => {
    expect(isReplyKind('tests_config')).toBe(true)
    expect(isReplyKind('prose')).toBe(false)
    expect(REPLY_SCHEMAS.dependencies.parse({ dependencies_add: ['requests>=2'] })).toEqual({
      dependencies_add: ['requests>=2'],
      optional_add: {},
    })
    expect(REPLY_SCHEMAS.tests_config.safeParse({ pytest_addopts: ['rm -rf'] }).success).toBe(false)
    expect(REPLY_SCHEMAS.scripts.safeParse({ scripts_set: { x: 'not an entry point' } }).success).toBe(false)
    expect(REPLY_SCHEMAS.vote.safeParse({ relevance: 1.5 }).success).toBe(false)
    expect(REPLY_SCHEMAS.code.safeParse({ code: 'x = 1', extra: 1 }).success).toBe(false)
    expect(replyInstruction('code')).toMatch(/JSON Schema: \{/)
  })
})
