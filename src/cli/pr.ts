import { z } from 'zod'
import type { RunRecord } from '../agents/schema.js'
import { fail } from '../errors/index.js'
import { openContext } from './context.js'
import { type GithubRepo, githubToken, openPullRequest, parseGithubRemote } from './github.js'
import type { CommandResult, GlobalOptions } from './output.js'
import { prBody, prTitle } from './pr-body.js'
import { pushBranch, remoteUrl, requestPullSummary } from './repo-ops.js'
import { loadRun } from './runs.js'

/** `--json` shape of `git momentum pr`. */
export const PrJsonSchema = z.object({
  runId: z.string(),
  remote: z.string(),
  url: z.string().nullable().describe("the remote's URL"),
  head: z.string().describe('branch pushed (and the PR head)'),
  base: z.string().describe('branch the PR targets'),
  title: z.string(),
  body: z.string(),
  draft: z.boolean(),
  pushed: z.boolean(),
  pr: z
    .object({ number: z.number().int(), url: z.string() })
    .nullable()
    .describe('null on --dry-run or a non-GitHub remote'),
  requestPull: z.string().nullable().describe('`git request-pull`-style summary when no PR was opened'),
})
/** Parsed `pr --json` output. */
export type PrJson = z.infer<typeof PrJsonSchema>

function branchName(record: RunRecord): string {
  return (record.resultBranch ?? `momentum/${record.runId}/result`).replace(/^refs\/heads\//, '')
}

async function defaultBase(ctx: Awaited<ReturnType<typeof openContext>>): Promise<string> {
  const state = await ctx.git.state()
  return state.branch ? state.branch.replace(/^refs\/heads\//, '') : 'main'
}

function githubFor(url: string | null, repoFlag: unknown, env: NodeJS.ProcessEnv): GithubRepo | null {
  if (typeof repoFlag === 'string') {
    const m = /^([\w.-]+)\/([\w.-]+)$/.exec(repoFlag)
    if (!m)
      throw fail(
        'USAGE',
        `--repo must look like owner/name, not "${repoFlag}"`,
        'For example: --repo acme/widgets.',
      )
    const server = (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, '')
    return { owner: m[1]!, repo: m[2]!, web: `${server}/${m[1]}/${m[2]}` }
  }
  if (!url) return null
  let host: string | null = null
  try {
    host = env.GITHUB_SERVER_URL ? new URL(env.GITHUB_SERVER_URL).hostname : null
  } catch {
    host = null
  }
  return parseGithubRemote(url, host)
}

/** `git momentum pr <run>`: pushes the result branch and opens a PR (or prints the body and a summary). */
export async function prCommand(argv: Record<string, unknown>, opts: GlobalOptions): Promise<CommandResult> {
  const ctx = await openContext(opts.cwd, { needCommits: true })
  const env = process.env
  const record = await loadRun(ctx.git, String(argv.run))
  if (!record.resultCommit) {
    throw fail(
      'NO_RESULT',
      `run ${record.runId} has no result to publish (status ${record.status})`,
      `See \`git momentum log ${record.runId}\`; resume an interrupted run with \`git momentum resume ${record.runId}\`.`,
    )
  }
  const remote = typeof argv.remote === 'string' ? argv.remote : 'origin'
  const url = await remoteUrl(ctx.git, remote)
  const github = githubFor(url, argv.repo, env)
  const head = branchName(record)
  const base = typeof argv.base === 'string' ? argv.base : await defaultBase(ctx)
  const draft = argv.draft === true
  const dryRun = argv['dry-run'] === true || github === null
  const title = prTitle(record)
  const body = prBody(record, { web: github?.web ?? null })
  const json: PrJson = {
    runId: record.runId,
    remote,
    url,
    head,
    base,
    title,
    body,
    draft,
    pushed: false,
    pr: null,
    requestPull: null,
  }
  if (dryRun || github === null) {
    json.requestPull = await requestPullSummary(
      ctx.git,
      record.base,
      record.resultCommit,
      url ?? remote,
      head,
    )
    const why = argv['dry-run'] === true ? 'dry run' : `${remote} is not a GitHub remote`
    const human = [
      `# ${why}: nothing was pushed and no pull request was opened.`,
      `# title: ${title}`,
      '',
      body.trimEnd(),
      '',
      json.requestPull.trimEnd(),
      '',
      `# To publish: git push ${remote} ${record.resultCommit}:refs/heads/${head}`,
    ]
    return { exitCode: 0, json, human }
  }
  if (!url) {
    throw fail(
      'USAGE',
      `no remote named "${remote}"`,
      'Add one with `git remote add origin <url>`, or pass --remote.',
      { remote },
    )
  }
  const token = githubToken(env)
  if (!token) {
    throw fail(
      'PR_NO_TOKEN',
      'no GitHub token: set GITHUB_TOKEN or GH_TOKEN',
      'Create a token with pull-request write access (or run `gh auth token`), export it, and retry; `--dry-run` prints the PR body without one.',
    )
  }
  await pushBranch(ctx.git, remote, record.resultCommit, head)
  json.pushed = true
  const apiUrl = env.GITHUB_API_URL?.trim() || 'https://api.github.com'
  const pr = await openPullRequest(
    github as GithubRepo,
    { title, head, base, body, draft },
    { token, apiUrl },
  )
  json.pr = { number: pr.number, url: pr.html_url }
  return {
    exitCode: 0,
    json,
    human: [
      `pushed ${head} to ${remote}`,
      `opened ${draft ? 'draft ' : ''}pull request #${pr.number}: ${pr.html_url}`,
    ],
  }
}
