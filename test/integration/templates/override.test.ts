import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { GlobalOptions } from '../../../src/cli/output.js'
import { scriptsCheckCommand } from '../../../src/cli/scripts.js'
import { loadTemplate } from '../../../src/templates/load.js'
import { packageRoot } from '../../../src/templates/paths.js'
import { mergeVars, resolveBlocks } from '../../../src/templates/render.js'
import { blockScript, voteWithScript } from '../../../src/templates/run-block.js'
import { makeRepo, type TempRepo } from '../../support/repo.js'

const repos: TempRepo[] = []
afterEach(async () => {
  for (const r of repos.splice(0)) await r.cleanup()
})

const opts = (cwd: string): GlobalOptions => ({ json: false, cwd, color: false, tty: false, debug: false })

// A repo override of the tests-block script that always passes, and of the README template.
const ALWAYS_PASS = `from grail import external, Input

mode: str = Input("mode", default="vote")


@external
def log(message: str) -> None: ...


log("override in use")
0.0 if mode == "vote" else "no change"
`

const README_TEMPLATE = `name = "readme"
description = "Repo-specific README"
applies_to = { kind = "file", path = "README.md" }

[[blocks]]
name = "changelog"
required = true
select = { kind = "md_section", name = "changelog" }
script = "md_section.pym"
skeleton = "## Changelog\\n"
`

describe('overrides in a repo', () => {
  it('a .momentum/grail script and a .momentum/templates template take precedence over the built-ins', async () => {
    const repo = await makeRepo({
      'pyproject.toml': '[project]\nname = "x"\n',
      '.momentum/grail/toml_tests.pym': ALWAYS_PASS,
      '.momentum/templates/readme.template.toml': README_TEMPLATE,
    })
    repos.push(repo)
    const pyproject = await loadTemplate('pyproject', { repoRoot: repo.path })
    expect(pyproject.origin).toBe('builtin')
    const tests = resolveBlocks(pyproject, mergeVars(pyproject)).find((b) => b.name === 'tests')!
    const choice = blockScript(pyproject, tests)!
    expect(choice.file).toBe(join(repo.path, '.momentum/grail/toml_tests.pym'))
    const logs: string[] = []
    const vote = await voteWithScript(choice, {
      intent: 'add a dependency for requests and set up pytest-cov',
      node: {
        text: Buffer.from(tests.skeleton),
        info: { kind: 'toml_table', name: 'tests', missing: true },
        parentOutline: '',
        siblingNames: [],
        log: (m) => logs.push(m),
      },
    })
    // The built-in tests script scores this intent ~0.97; the override says 0.
    expect(vote.score).toBe(0)
    expect(logs).toEqual(['override in use'])

    const readme = await loadTemplate('readme', { repoRoot: repo.path })
    expect(readme.origin).toBe('repo')
    expect(readme.blocks.map((b) => b.name)).toEqual(['changelog'])
    // The override's block still finds the built-in md_section script.
    expect(readme.scripts['md_section.pym']?.origin).toBe('builtin')
  })

  it('`scripts check` covers the overrides and fails on a broken one with file:line:col CODE', async () => {
    const repo = await makeRepo({
      '.momentum/grail/toml_project.pym':
        'from grail import external\nimport os\n\n\n@external\ndef node_text(): ...\n\nnode_text()\n',
    })
    repos.push(repo)
    const res = await scriptsCheckCommand({ paths: [] }, opts(join(repo.path, '.momentum')))
    expect(res.exitCode).not.toBe(0)
    expect(res.human).toContain(
      ".momentum/grail/toml_project.pym:2:1 E005 Import 'os' is not allowed in .pym scripts",
    )
    expect(res.human.some((l) => /^\.momentum\/grail\/toml_project\.pym:5:1 E006 /.test(l))).toBe(true)
    // The built-in toml_project.pym is shadowed, so it is not checked; the others are.
    const builtin = join(packageRoot(), 'grail', 'toml_project.pym')
    const { files } = z.object({ files: z.array(z.string()) }).parse(res.json)
    expect(files).not.toContain(builtin)
    expect(files).toContain(join(packageRoot(), 'grail', 'toml_tests.pym'))

    const clean = await makeRepo({ 'README.md': '# x\n' })
    repos.push(clean)
    const ok = await scriptsCheckCommand({ paths: [] }, opts(clean.path))
    expect(ok.exitCode).toBe(0)
    expect(ok.human.at(-1)).toMatch(/^\d+ file\(s\) checked: 0 error\(s\), 0 warning\(s\)$/)
  })

  it('`scripts check <paths>` checks only the named files', async () => {
    const repo = await makeRepo({
      'tpl/bad.template.toml': 'name = "bad"\napplies_to = { kind = "file" }\nscript = "missing.pym"\n',
    })
    repos.push(repo)
    const res = await scriptsCheckCommand({ paths: ['tpl'] }, opts(repo.path))
    expect(res.exitCode).not.toBe(0)
    expect(res.human[0]).toBe('tpl/bad.template.toml:3:1 T002 script missing.pym not found')
    expect(res.json).toMatchObject({ errors: 1, files: ['tpl/bad.template.toml'] })
  })
})
