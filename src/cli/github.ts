import { z } from 'zod'
import { fail } from '../errors/index.js'

/** A GitHub repository named by a remote URL. */
export interface GithubRepo {
  owner: string
  repo: string
  /** Browser URL of the repository, for commit links. */
  web: string
}

/**
 * Recognises GitHub remotes (`git@github.com:o/r.git`, `https://github.com/o/r`, `ssh://git@github.com/o/r`).
 * `serverHost` adds a GitHub Enterprise host (from GITHUB_SERVER_URL). Null for anything else.
 */
export function parseGithubRemote(url: string, serverHost: string | null = null): GithubRepo | null {
  const hosts = new Set(['github.com', ...(serverHost ? [serverHost] : [])])
  const scp = /^[\w.-]+@([^:/]+):([^/]+)\/([^/]+?)(?:\.git)?\/?$/.exec(url)
  let host: string
  let owner: string
  let repo: string
  if (scp) {
    host = scp[1] ?? ''
    owner = scp[2] ?? ''
    repo = scp[3] ?? ''
  } else {
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      return null
    }
    const parts = parsed.pathname.replace(/^\/+|\/+$/g, '').split('/')
    if (parts.length !== 2 || !parts[0] || !parts[1]) return null
    host = parsed.hostname
    owner = parts[0]
    repo = parts[1].replace(/\.git$/, '')
  }
  if (!hosts.has(host)) return null
  return { owner, repo, web: `https://${host}/${owner}/${repo}` }
}

/** The API token from GITHUB_TOKEN or GH_TOKEN (the names `gh` and Actions use). */
export function githubToken(env: NodeJS.ProcessEnv): string | null {
  for (const name of ['GITHUB_TOKEN', 'GH_TOKEN']) {
    const v = env[name]?.trim()
    if (v) return v
  }
  return null
}

/** What `POST /repos/{owner}/{repo}/pulls` is sent. */
export interface PullRequestInput {
  title: string
  head: string
  base: string
  body: string
  draft: boolean
}

const PullResponseSchema = z.object({ number: z.number().int(), html_url: z.string() })
const ApiErrorSchema = z.object({
  message: z.string().optional(),
  errors: z.array(z.object({ message: z.string().optional() }).loose()).optional(),
})

/** The opened pull request. */
export type PullRequest = z.infer<typeof PullResponseSchema>

/** Opens a pull request via the REST API (base URL from GITHUB_API_URL, default api.github.com). */
export async function openPullRequest(
  repo: GithubRepo,
  input: PullRequestInput,
  opts: { token: string; apiUrl: string; fetch?: typeof fetch },
): Promise<PullRequest> {
  const doFetch = opts.fetch ?? fetch
  const url = `${opts.apiUrl.replace(/\/+$/, '')}/repos/${encodeURIComponent(repo.owner)}/${encodeURIComponent(repo.repo)}/pulls`
  let res: Response
  try {
    res = await doFetch(url, {
      method: 'POST',
      headers: {
        accept: 'application/vnd.github+json',
        authorization: `Bearer ${opts.token}`,
        'content-type': 'application/json',
        'user-agent': 'git-momentum',
        'x-github-api-version': '2022-11-28',
      },
      body: JSON.stringify(input),
    })
  } catch (err) {
    throw fail(
      'PR_API_FAILED',
      `cannot reach the GitHub API at ${opts.apiUrl} (${err instanceof Error ? err.message : String(err)})`,
      'Check your network, or set GITHUB_API_URL for GitHub Enterprise; `--dry-run` prints the PR body instead.',
    )
  }
  const text = await res.text()
  let json: unknown = null
  try {
    json = JSON.parse(text)
  } catch {
    json = null
  }
  if (!res.ok) {
    const err = ApiErrorSchema.safeParse(json)
    const detail = err.success
      ? [err.data.message, ...(err.data.errors ?? []).map((e) => e.message)].filter(Boolean).join('; ')
      : text.slice(0, 200)
    const hint =
      res.status === 401 || res.status === 403
        ? 'The token was refused: check GITHUB_TOKEN / GH_TOKEN and that it may create pull requests.'
        : res.status === 422
          ? 'GitHub rejected the request: a PR for this branch may already exist, or the base branch is wrong (--base).'
          : 'Retry later, or use `--dry-run` to print the body and open the PR by hand.'
    throw fail('PR_API_FAILED', `GitHub API ${res.status}: ${detail || res.statusText}`, hint, {
      status: res.status,
    })
  }
  const ok = PullResponseSchema.safeParse(json)
  if (!ok.success) {
    throw fail(
      'PR_API_FAILED',
      'GitHub API answered with an unexpected shape',
      'Check GITHUB_API_URL points at a GitHub API.',
    )
  }
  return ok.data
}
