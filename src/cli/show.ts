import { z } from 'zod'
import { ValidationRecordSchema } from '../agents/schema.js'
import { makeStyler, type Styler } from './ansi.js'
import { openContext } from './context.js'
import { formatScore, shortHash } from './format.js'
import type { CommandResult, GlobalOptions } from './output.js'
import { stateTag } from './render-live.js'
import { diffCommits, diffStat } from './repo-ops.js'
import { findAgent, loadRun } from './runs.js'

/** `--json` shape of `git momentum show <run> [<agent>]`. */
export const ShowJsonSchema = z.object({
  runId: z.string(),
  agentId: z.string().nullable().describe('null when showing the whole result'),
  base: z.string().describe("commit the diff starts from (the agent's base, or the run base)"),
  head: z.string().nullable().describe("the agent's validated commit, or the result commit; null if none"),
  stat: z.string(),
  diff: z.string().describe('unified diff base..head'),
  validations: z.array(ValidationRecordSchema),
  attempts: z.array(
    z.object({
      n: z.number(),
      phase: z.string(),
      commit: z.string().nullable(),
      ok: z.boolean(),
      feedback: z.string().nullable(),
    }),
  ),
})
/** Parsed `show --json` output. */
export type ShowJson = z.infer<typeof ShowJsonSchema>

/** Colours a unified diff the way `git diff --color` would. */
export function colorDiff(diff: string, s: Styler): string[] {
  return diff.split('\n').map((l) => {
    if (l.startsWith('+++') || l.startsWith('---') || l.startsWith('diff ') || l.startsWith('index '))
      return s('bold', l)
    if (l.startsWith('+')) return s('green', l)
    if (l.startsWith('-')) return s('red', l)
    if (l.startsWith('@@')) return s('cyan', l)
    return l
  })
}

/** Renders validations with their diagnostics (what `show` prints under the header). */
export function renderValidations(vs: ShowJson['validations'], s: Styler): string[] {
  if (vs.length === 0) return ['validations: none recorded']
  const lines = ['validations:']
  for (const v of vs) {
    const verdict = v.skipped
      ? s('gray', `skipped (${v.skipped})`)
      : v.ok
        ? s('green', 'ok')
        : s('red', 'failed')
    lines.push(`  ${v.name}: ${verdict}`)
    for (const d of v.diagnostics) lines.push(`    ${d}`)
  }
  return lines
}

/** `git momentum show <run> [<agent>]`: the diff and validation output of one agent, or of the result. */
export async function showCommand(
  argv: Record<string, unknown>,
  opts: GlobalOptions,
): Promise<CommandResult> {
  const ctx = await openContext(opts.cwd)
  const style = makeStyler(opts.color)
  const record = await loadRun(ctx.git, String(argv.run))
  const agent = typeof argv.agent === 'string' ? findAgent(record, argv.agent) : null
  const root = record.agents.find((a) => a.id === record.rootId) ?? null
  const head = agent ? agent.head : record.resultCommit
  const scope = agent ? (agent.node.path && agent.node.kind !== 'directory' ? [agent.node.path] : []) : []
  // An agent's range is measured in its own base (the run base, or a generated skeleton).
  const from = agent ? agent.base : record.base
  const diff = head ? await diffCommits(ctx.git, from, head, scope) : ''
  const stat = head ? await diffStat(ctx.git, from, head) : ''
  const who = agent ?? root
  const json: ShowJson = {
    runId: record.runId,
    agentId: agent?.id ?? null,
    base: from,
    head,
    stat,
    diff,
    validations: who?.validations ?? [],
    attempts: (who?.attempts ?? []).map((a) => ({
      n: a.n,
      phase: a.phase,
      commit: a.commit ?? null,
      ok: a.validations.every((v) => v.ok) && !a.error,
      feedback: a.feedback ?? null,
    })),
  }
  const title = agent
    ? `${style('bold', agent.id)}  ${agent.node.kind}  ${stateTag(agent.status, style)}  score ${formatScore(agent.votes?.score)}`
    : `${style('bold', `run ${record.runId}`)}  ${record.status}  "${record.intent}"`
  const human = [
    title,
    `diff ${shortHash(from)}..${head ? shortHash(head) : '(no commit)'}${agent?.sandbox ? `  branch ${agent.sandbox.branch}` : record.resultBranch && !agent ? `  branch ${record.resultBranch}` : ''}`,
    ...json.attempts.map((a) =>
      `attempt ${a.n} (${a.phase}): ${a.ok ? style('green', 'ok') : style('red', 'failed')} ${a.commit ? shortHash(a.commit) : ''}`.trimEnd(),
    ),
    ...renderValidations(json.validations, style),
  ]
  if (agent?.error) human.push(style('red', `error: ${agent.error.code}: ${agent.error.message}`))
  if (!head)
    human.push(
      '',
      agent
        ? 'This agent made no commit (it passed or failed before committing).'
        : 'This run has no result commit.',
    )
  else human.push('', ...(stat ? stat.trimEnd().split('\n') : []), '', ...colorDiff(diff.trimEnd(), style))
  return { exitCode: 0, json, human }
}
