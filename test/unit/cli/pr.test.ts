import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { githubToken, openPullRequest, parseGithubRemote } from '../../../src/cli/github.js'
import { prBody, prTitle } from '../../../src/cli/pr-body.js'
import { MomentumError } from '../../../src/errors/index.js'
import { pyprojectRecord } from './fixtures.js'

describe('parseGithubRemote', () => {
  it.each([
    ['git@github.com:acme/widgets.git', 'acme', 'widgets'],
    ['https://github.com/acme/widgets', 'acme', 'widgets'],
    ['https://github.com/acme/widgets.git', 'acme', 'widgets'],
    ['ssh://git@github.com/acme/widgets.git', 'acme', 'widgets'],
  ])('%s', (url, owner, repo) => {
    expect(parseGithubRemote(url)).toEqual({ owner, repo, web: `https://github.com/${owner}/${repo}` })
  })

  it('rejects other hosts unless configured, and local paths', () => {
    expect(parseGithubRemote('https://gitlab.com/acme/widgets.git')).toBeNull()
    expect(parseGithubRemote('/tmp/remote.git')).toBeNull()
    expect(parseGithubRemote('https://ghe.corp/acme/w.git', 'ghe.corp')?.web).toBe('https://ghe.corp/acme/w')
  })

  it('reads the token from GITHUB_TOKEN, then GH_TOKEN', () => {
    expect(githubToken({ GITHUB_TOKEN: 'a', GH_TOKEN: 'b' })).toBe('a')
    expect(githubToken({ GH_TOKEN: 'b' })).toBe('b')
    expect(githubToken({ GITHUB_TOKEN: ' ' })).toBeNull()
  })
})

describe('prBody', () => {
  it('lists intent, acting agents with validations and commit links, and passes', () => {
    const body = prBody(pyprojectRecord(), { web: 'https://github.com/acme/widgets' })
    expect(body).toContain('> add a dependency for requests')
    expect(body).toContain(`(https://github.com/acme/widgets/commit/${'a'.repeat(40)})`)
    expect(body).toContain('| `pyproject.toml::project` | toml_table | 0.92 | 1 | toml ✅, pep508 ✅ |')
    expect(body).toContain('Agents that passed (2)')
    expect(body).toContain('- `pyproject.toml::tool.ruff` (toml_table, score 0.05)')
    expect(body).toMatchSnapshot()
  })

  it('keeps titles to one short line', () => {
    const r = pyprojectRecord({ intent: `${'x'.repeat(100)}\nsecond line` })
    expect(prTitle(r)).toHaveLength(72)
    expect(prTitle(r)).not.toContain('\n')
  })
})

describe('openPullRequest', () => {
  async function server(status: number, reply: unknown) {
    const seen: { method?: string; url?: string; body?: string; auth?: string } = {}
    const srv = createServer((req, res) => {
      let body = ''
      req.on('data', (c) => (body += c))
      req.on('end', () => {
        Object.assign(seen, { method: req.method, url: req.url, body, auth: req.headers.authorization })
        res.writeHead(status, { 'content-type': 'application/json' })
        res.end(JSON.stringify(reply))
      })
    })
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
    const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`
    return { seen, url, close: () => new Promise((r) => srv.close(r)) }
  }
  const repo = { owner: 'acme', repo: 'widgets', web: 'https://github.com/acme/widgets' }
  const input = { title: 't', head: 'momentum/x/result', base: 'main', body: 'b', draft: true }

  it('POSTs /repos/{owner}/{repo}/pulls with the token and returns the PR', async () => {
    const s = await server(201, { number: 7, html_url: 'https://github.com/acme/widgets/pull/7', extra: 1 })
    try {
      const pr = await openPullRequest(repo, input, { token: 'tok', apiUrl: `${s.url}/` })
      expect(pr).toEqual({ number: 7, html_url: 'https://github.com/acme/widgets/pull/7' })
      expect(s.seen).toMatchObject({ method: 'POST', url: '/repos/acme/widgets/pulls', auth: 'Bearer tok' })
      expect(JSON.parse(s.seen.body ?? '')).toEqual(input)
    } finally {
      await s.close()
    }
  })

  it('turns API errors into PR_API_FAILED with the message', async () => {
    const s = await server(422, {
      message: 'Validation Failed',
      errors: [{ message: 'A pull request already exists' }],
    })
    try {
      const err = await openPullRequest(repo, input, { token: 'tok', apiUrl: s.url }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(MomentumError)
      expect((err as MomentumError).code).toBe('PR_API_FAILED')
      expect((err as MomentumError).message).toContain('A pull request already exists')
    } finally {
      await s.close()
    }
  })
})
