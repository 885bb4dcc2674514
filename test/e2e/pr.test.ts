import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { dir } from 'tmp-promise'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { RunRecordSchema } from '../../src/agents/schema.js'
import { DEMO_EDIT, DEMO_FILES } from '../../src/demo/scenario.js'
import { demoRespond } from '../support/demo-responder.js'
import { type ModelServer, startModelServer } from '../support/model-server.js'
import { makeRepo, type TempRepo } from '../support/repo.js'
import { assertBuilt, cli, configure, redact } from './harness.js'

interface Seen {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: string
}

// The remote's fetch URL names GitHub; its push URL is a local bare repo, so nothing leaves the machine.
describe('git momentum pr', () => {
  let repo: TempRepo
  let model: ModelServer
  let bare: { path: string; cleanup: () => Promise<void> }
  let api: { url: string; seen: Seen[]; close: () => Promise<void> }
  let runId = ''

  beforeAll(async () => {
    assertBuilt()
    model = await startModelServer({ respond: demoRespond })
    repo = await makeRepo(DEMO_FILES)
    configure(repo.path, model.url)
    repo.commitAll('configure')
    bare = await dir({ unsafeCleanup: true, prefix: 'momentum-remote-' })
    repo.git('init', '-q', '--bare', bare.path)
    repo.git('remote', 'add', 'origin', 'https://github.com/acme/widgets.git')
    repo.git('remote', 'set-url', '--push', 'origin', bare.path)
    const seen: Seen[] = []
    const srv = createServer((req, res) => {
      let body = ''
      req.on('data', (c: Buffer) => (body += c.toString('utf8')))
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body })
        res.writeHead(201, { 'content-type': 'application/json' })
        res.end(JSON.stringify({ number: 42, html_url: 'https://github.com/acme/widgets/pull/42' }))
      })
    })
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
    api = {
      url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`,
      seen,
      close: () => new Promise((r) => srv.close(() => r())),
    }
    const run = await cli(['run', DEMO_EDIT.intent, 'pyproject.toml'], { cwd: repo.path })
    expect(run.code).toBe(0)
    runId = /run (\d{8}-\d{4}-[0-9a-f]{4}): ok/.exec(run.stdout)?.[1] ?? ''
  })
  afterAll(async () => {
    await api?.close()
    await model?.close()
    await bare?.cleanup()
    await repo?.cleanup()
  })

  it('--dry-run prints the body and a request-pull summary, pushing nothing', async () => {
    const res = await cli(['pr', runId, '--dry-run'], { cwd: repo.path, env: { GITHUB_API_URL: api.url } })
    expect(res.code).toBe(0)
    // Sibling agents commit concurrently, so request-pull's shortlog order varies between runs.
    expect(sortShortlog(redact(res.stdout, [repo.path, bare.path]))).toMatchSnapshot()
    expect(api.seen).toHaveLength(0)
    expect(repo.git('ls-remote', bare.path)).toBe('')
  })

  it('refuses without a token', async () => {
    const res = await cli(['pr', runId], { cwd: repo.path, env: { GITHUB_API_URL: api.url } })
    expect(res.code).toBe(55)
    expect(res.stderr).toMatch(/^git-momentum: error\[PR_NO_TOKEN\]: .*\n {2}hint: .+\n$/)
    expect(repo.git('ls-remote', bare.path)).toBe('')
  })

  it('pushes the result branch and POSTs the pull request', async () => {
    const res = await cli(['pr', runId, '--draft', '--base', 'main'], {
      cwd: repo.path,
      env: { GITHUB_API_URL: api.url, GH_TOKEN: 'tok-123' },
    })
    expect(res.stderr).toBe('')
    expect(res.code).toBe(0)
    expect(res.stdout).toContain('https://github.com/acme/widgets/pull/42')
    const record = RunRecordSchema.parse(
      JSON.parse((await cli(['log', runId, '--json'], { cwd: repo.path })).stdout),
    )
    const head = String(record.resultBranch).replace(/^refs\/heads\//, '')
    expect(repo.git('ls-remote', bare.path, `refs/heads/${head}`)).toContain(record.resultCommit)
    expect(api.seen).toHaveLength(1)
    const call = api.seen[0]!
    expect(call.method).toBe('POST')
    expect(call.url).toBe('/repos/acme/widgets/pulls')
    expect(call.headers.authorization).toBe('Bearer tok-123')
    const body = z
      .object({ title: z.string(), head: z.string(), base: z.string(), body: z.string(), draft: z.boolean() })
      .parse(JSON.parse(call.body))
    expect(body).toMatchObject({ head, base: 'main', draft: true })
    expect(body.title).toMatch(/^momentum: add a dependency for requests and set up pytest-cov/)
    expect(body.title.length).toBeLessThanOrEqual(72)
    expect(body.body).toContain(`> ${DEMO_EDIT.intent}`)
    expect(body.body).toContain('pyproject.toml::project')
    expect(body.body).toContain(`https://github.com/acme/widgets/commit/`)
  })

  it('reports a remote that rejects the push', async () => {
    // Give the remote a diverging commit on the branch, so our push is not a fast-forward.
    const record = RunRecordSchema.parse(
      JSON.parse((await cli(['log', runId, '--json'], { cwd: repo.path })).stdout),
    )
    const head = String(record.resultBranch).replace(/^refs\/heads\//, '')
    const other = repo.git('commit-tree', `${record.base}^{tree}`, '-m', 'someone else')
    repo.git('push', '-q', '--force', bare.path, `${other}:refs/heads/${head}`)
    const res = await cli(['pr', runId], {
      cwd: repo.path,
      env: { GITHUB_API_URL: api.url, GITHUB_TOKEN: 't' },
    })
    expect(res.code).toBe(56)
    expect(res.stderr).toMatch(/^git-momentum: error\[PUSH_REJECTED\]: .*\n {2}hint: .+\n$/)
    expect(api.seen).toHaveLength(1)
  })
})

/** Sorts the commit lines under each shortlog author heading (`Name (N):`). */
function sortShortlog(text: string): string {
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    if (!/^\S.* \(\d+\):$/.test(lines[i] ?? '')) continue
    let end = i + 1
    while (end < lines.length && /^\s+\S/.test(lines[end] ?? '')) end++
    const block = lines.slice(i + 1, end).sort()
    lines.splice(i + 1, block.length, ...block)
    i = end
  }
  return lines.join('\n')
}
