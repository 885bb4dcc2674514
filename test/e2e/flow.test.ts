import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RunRecordSchema } from '../../src/agents/schema.js'
import { DEMO_EDIT, DEMO_FILES } from '../../src/demo/scenario.js'
import { demoRespond } from '../support/demo-responder.js'
import { type ModelServer, startModelServer } from '../support/model-server.js'
import { makeRepo, type TempRepo } from '../support/repo.js'
import { assertBuilt, cli, configure, redact } from './harness.js'

// One repo walked through the whole review loop: init, plan, run, log, show, land, gc.
describe('git momentum: init → plan → run → log → show → land → gc', () => {
  let repo: TempRepo
  let server: ModelServer
  let runId = ''
  const r = (text: string) => redact(text, [repo.path])

  beforeAll(async () => {
    assertBuilt()
    server = await startModelServer({ respond: demoRespond })
    repo = await makeRepo(DEMO_FILES)
  })
  afterAll(async () => {
    await server?.close()
    await repo?.cleanup()
  })

  it('init writes the commented config and override folders, and never overwrites', async () => {
    const first = await cli(['init'], { cwd: repo.path })
    expect(first.code).toBe(0)
    expect(r(first.stdout)).toMatchSnapshot()
    const text = readFileSync(join(repo.path, '.momentum/config.toml'), 'utf8')
    expect(text).toContain('# relevance_threshold = 0.5')
    for (const d of ['templates', 'grail', 'queries'])
      expect(existsSync(join(repo.path, '.momentum', d, '.gitkeep'))).toBe(true)
    const again = await cli(['init'], { cwd: repo.path })
    expect(again.code).toBe(60)
    expect(again.stderr).toMatch(/^git-momentum: error\[ALREADY_EXISTS\]: .*\n {2}hint: .+\n$/)
    expect(readFileSync(join(repo.path, '.momentum/config.toml'), 'utf8')).toBe(text)
    // Point the repo at the scripted server and commit, so runs start from a clean tree.
    configure(repo.path, server.url)
    repo.commitAll('configure git-momentum')
  })

  it('plan shows scores and act/pass, and creates no branches', async () => {
    const before = repo.git('for-each-ref')
    const res = await cli(['plan', DEMO_EDIT.intent, 'pyproject.toml'], { cwd: repo.path })
    expect(res.stderr).toBe('')
    expect(res.code).toBe(0)
    expect(r(res.stdout)).toMatchSnapshot()
    expect(res.stdout).toMatch(/project {2}toml_table {2}\d\.\d\d act/)
    expect(repo.git('for-each-ref')).toBe(before)
  })

  it('run prints plain lines when not a TTY, then the run id and result branch', async () => {
    const res = await cli(['run', DEMO_EDIT.intent, 'pyproject.toml'], { cwd: repo.path })
    expect(res.code).toBe(0)
    expect(res.stdout).not.toContain('\u001b')
    runId = /run (\d{8}-\d{4}-[0-9a-f]{4}): ok/.exec(res.stdout)?.[1] ?? ''
    expect(runId).not.toBe('')
    expect(res.stdout).toContain(`result branch: momentum/${runId}/`)
    // Sibling agents run concurrently: event lines are snapshot as a sorted set, the summary verbatim.
    const [events = '', summary = ''] = r(res.stdout).split('\n\n')
    expect(events.split('\n').sort()).toMatchSnapshot()
    expect(summary).toMatchSnapshot()
  })

  it('log lists the run and shows its tree from git alone', async () => {
    const list = await cli(['log'], { cwd: repo.path })
    expect(list.code).toBe(0)
    expect(list.stdout).toContain(runId)
    const one = await cli(['log', runId], { cwd: repo.path })
    expect(one.code).toBe(0)
    expect(r(one.stdout)).toMatchSnapshot()
    const json = RunRecordSchema.parse(
      JSON.parse((await cli(['log', runId, '--json'], { cwd: repo.path })).stdout),
    )
    expect(json.runId).toBe(runId)
    expect(json.status).toBe('ok')
  })

  it('show prints the whole diff, and one agent with its validations', async () => {
    const all = await cli(['show', runId], { cwd: repo.path })
    expect(all.code).toBe(0)
    expect(all.stdout).toContain('+    "requests>=2.32",')
    const one = await cli(['show', runId, 'pyproject.toml::project'], { cwd: repo.path })
    expect(one.code).toBe(0)
    expect(r(one.stdout)).toMatchSnapshot()
    const missing = await cli(['show', runId, 'no::such.agent'], { cwd: repo.path })
    expect(missing.code).toBe(51)
    expect(missing.stderr).toMatch(/^git-momentum: error\[UNKNOWN_AGENT\]: .*\n {2}hint: .+\n$/)
  })

  it('land refuses a dirty affected file, then fast-forwards main', async () => {
    const head = repo.git('rev-parse', 'HEAD')
    repo.write('pyproject.toml', `${DEMO_FILES['pyproject.toml']}# local edit\n`)
    const dirty = await cli(['land', runId], { cwd: repo.path })
    expect(dirty.code).toBe(54)
    expect(dirty.stderr).toContain('pyproject.toml')
    expect(repo.git('rev-parse', 'HEAD')).toBe(head)
    repo.git('checkout', '--', 'pyproject.toml')
    const res = await cli(['land', runId], { cwd: repo.path })
    expect(res.code).toBe(0)
    expect(r(res.stdout)).toMatchSnapshot()
    expect(repo.git('status', '--porcelain')).toBe('')
    expect(readFileSync(join(repo.path, 'pyproject.toml'), 'utf8')).toContain('requests>=2.32')
    const again = await cli(['land', runId], { cwd: repo.path })
    expect(again.stdout).toContain('nothing to do')
  })

  it('gc removes the run and is safe to repeat', async () => {
    // A staging file a killed process left behind two hours ago, and one in use right now.
    const staging = join(repo.path, '.git', 'momentum', 'tmp')
    mkdirSync(staging, { recursive: true })
    writeFileSync(join(staging, 'blob-1-stale'), 'x')
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000)
    utimesSync(join(staging, 'blob-1-stale'), twoHoursAgo, twoHoursAgo)
    writeFileSync(join(staging, 'blob-2-live'), 'y')
    const res = await cli(['gc', '--all'], { cwd: repo.path })
    expect(res.code).toBe(0)
    expect(res.stdout).toContain(`removed ${runId}`)
    expect(res.stdout).toContain('removed 1 stale object staging file(s)')
    expect(readdirSync(staging)).toEqual(['blob-2-live'])
    expect(repo.git('for-each-ref', 'refs/heads/momentum', 'refs/momentum')).toBe('')
    expect(repo.git('worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1)
    const again = await cli(['gc', '--all'], { cwd: repo.path })
    expect(again.code).toBe(0)
    expect(again.stdout).toContain('Nothing to remove')
  })
})
