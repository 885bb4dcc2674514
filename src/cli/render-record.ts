import type { AstAgent, Plan, RunRecord, ValidationRecord } from '../agents/schema.js'
import type { Styler } from './ansi.js'
import { formatDuration, formatScore, formatTokens, shortHash } from './format.js'
import { stateTag } from './render-live.js'
import { drawTree } from './tree.js'

function agentTree(
  agents: AstAgent[],
  rootId: string,
): { root: AstAgent | undefined; kids: (a: AstAgent) => AstAgent[] } {
  const byId = new Map(agents.map((a) => [a.id, a]))
  return {
    root: byId.get(rootId) ?? agents.find((a) => a.parentId === null),
    kids: (a) => a.children.map((id) => byId.get(id)).filter((x): x is AstAgent => x !== undefined),
  }
}

function nodeName(a: AstAgent): string {
  return a.node.name || a.node.path || a.id
}

/** `ruff ✓ pyright ✗ toml -` for the validations an agent ran. */
export function validationSummary(vs: ValidationRecord[], s: Styler): string {
  return vs
    .map((v) => `${v.name} ${v.skipped ? s('gray', '-') : v.ok ? s('green', '✓') : s('red', '✗')}`)
    .join(' ')
}

/** The dry-run tree: each agent's score and whether it would act or pass. */
export function renderPlan(plan: Plan, s: Styler): string[] {
  const { root, kids } = agentTree(plan.agents, plan.rootId)
  const head = [
    `${s('bold', 'plan')} "${plan.intent}" at ${shortHash(plan.base)}  ${s('gray', `threshold ${formatScore(plan.threshold)}`)}`,
  ]
  if (plan.dirty) head.push(s('yellow', 'note: uncommitted changes are not included; runs start from HEAD'))
  if (!root) return [...head, '(no agents)']
  const label = (a: AstAgent): string => {
    const verdict = a.votes === null ? s('gray', '') : a.votes.acted ? s('green', 'act') : s('gray', 'pass')
    const parts = [s('bold', nodeName(a)), s('gray', a.node.kind)]
    if (a.votes) parts.push(`${formatScore(a.votes.score)} ${verdict}`)
    if (a.insertion) parts.push(s('yellow', '(new block)'))
    return parts.join('  ')
  }
  const acting = plan.agents.filter((a) => a.votes?.acted).length
  const passing = plan.agents.filter((a) => a.votes && !a.votes.acted).length
  return [
    ...head,
    ...drawTree(root, { children: kids, label }),
    '',
    `${acting} would act, ${passing} would pass. Nothing was created; \`git momentum run\` does the work.`,
  ]
}

function runDuration(r: RunRecord): string {
  if (!r.finishedAt) return '-'
  return formatDuration(Date.parse(r.finishedAt) - Date.parse(r.startedAt))
}

/** One line per run, newest first: id, status, time, acted agents, intent. */
export function renderRunList(records: RunRecord[], s: Styler): string[] {
  if (records.length === 0) return ['No runs yet. Start one with `git momentum run "<intent>" [paths..]`.']
  const sorted = [...records].sort((a, b) => b.startedAt.localeCompare(a.startedAt))
  return sorted.map((r) => {
    const acted = r.agents.filter((a) => a.votes?.acted).length
    const status =
      r.status === 'ok'
        ? s('green', r.status)
        : r.status === 'running'
          ? s('yellow', r.status)
          : s('red', r.status)
    return `${s('bold', r.runId)}  ${status.padEnd(11)}  ${r.startedAt.slice(0, 16).replace('T', ' ')}  ${String(acted).padStart(3)} acted  "${r.intent}"`
  })
}

/** One run in full: header, the agent tree with verdicts, attempts, validations, tokens and durations, then failures. */
export function renderRunRecord(r: RunRecord, s: Styler): string[] {
  const lines = [
    `${s('bold', 'run')} ${r.runId}  ${r.status}  "${r.intent}"`,
    `base ${shortHash(r.base)}  result ${r.resultBranch ?? '-'} ${r.resultCommit ? `(${shortHash(r.resultCommit)})` : ''}`.trimEnd(),
    `model ${r.model}  tokens ${formatTokens(r.tokens.prompt)} in / ${formatTokens(r.tokens.completion)} out  took ${runDuration(r)}`,
  ]
  if (r.resumes > 0) lines.push(s('gray', `resumed ${r.resumes} time${r.resumes === 1 ? '' : 's'}`))
  if (r.hint) lines.push(s('yellow', r.hint))
  const { root, kids } = agentTree(r.agents, r.rootId)
  if (!root) return lines
  const label = (a: AstAgent): string => {
    const parts = [s('bold', nodeName(a)), s('gray', a.node.kind), stateTag(a.status, s)]
    if (a.votes) parts.push(`score ${formatScore(a.votes.score)}`)
    if (a.attempts.length > 0) parts.push(`${a.attempts.length} attempt${a.attempts.length === 1 ? '' : 's'}`)
    if (a.validations.length > 0) parts.push(validationSummary(a.validations, s))
    const tokens = a.tokens.prompt + a.tokens.completion
    if (tokens > 0) parts.push(s('gray', `${formatTokens(tokens)} tok`))
    if (a.timings.durationMs !== undefined) parts.push(s('gray', formatDuration(a.timings.durationMs)))
    if (a.head) parts.push(s('gray', shortHash(a.head)))
    return parts.join('  ')
  }
  lines.push('', ...drawTree(root, { children: kids, label }))
  const failed = r.agents.filter((a) => a.status === 'failed' || a.error)
  if (failed.length > 0) {
    lines.push('', s('red', 'failures:'))
    for (const a of failed) {
      lines.push(`  ${a.id}: ${a.error ? `${a.error.code}: ${a.error.message}` : 'failed'}`)
      for (const v of a.validations.filter((v) => !v.ok && !v.skipped)) {
        for (const d of v.diagnostics.slice(0, 5)) lines.push(`    ${v.name}: ${d}`)
      }
    }
  }
  return lines
}
