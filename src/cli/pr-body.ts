import type { AstAgent, RunRecord } from '../agents/schema.js'
import { formatScore, shortHash } from './format.js'

/** Where agent commits can be linked to (a GitHub-style web URL), when known. */
export interface PrLinks {
  /** e.g. `https://github.com/acme/widgets`; commit links become `<web>/commit/<sha>`. */
  web: string | null
}

/** PR title from the intent: one line, at most 72 characters. */
export function prTitle(record: RunRecord): string {
  const first = record.intent.split('\n')[0]?.trim() ?? ''
  const title = `momentum: ${first}`
  return title.length > 72 ? `${title.slice(0, 71)}…` : title
}

function commitRef(sha: string | null, links: PrLinks): string {
  if (!sha) return '-'
  return links.web ? `[\`${shortHash(sha)}\`](${links.web}/commit/${sha})` : `\`${shortHash(sha)}\``
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ')
}

function validations(a: AstAgent): string {
  if (a.validations.length === 0) return '-'
  return a.validations.map((v) => `${v.name} ${v.skipped ? '(skipped)' : v.ok ? '✅' : '❌'}`).join(', ')
}

/** The PR body: intent, agents that acted (with validations and commit links), agents that passed. */
export function prBody(record: RunRecord, links: PrLinks): string {
  const acted = record.agents.filter((a) => a.votes?.acted || (a.parentId === null && a.head))
  const passed = record.agents.filter((a) => a.votes && !a.votes.acted)
  const failed = record.agents.filter((a) => a.status === 'failed')
  const lines = [
    `Opened by git-momentum from run \`${record.runId}\`.`,
    '',
    '### Intent',
    '',
    ...record.intent.split('\n').map((l) => `> ${l}`),
    '',
    `Base ${commitRef(record.base, links)} · result ${commitRef(record.resultCommit, links)} · status **${record.status}** · model \`${record.model}\``,
    '',
    `### Agents that acted (${acted.length})`,
    '',
    '| agent | kind | score | attempts | validations | commit |',
    '| --- | --- | --- | --- | --- | --- |',
    ...acted.map(
      (a) =>
        `| \`${cell(a.id)}\` | ${a.node.kind} | ${formatScore(a.votes?.score)} | ${a.attempts.length} | ${cell(validations(a))} | ${commitRef(a.head, links)} |`,
    ),
  ]
  if (failed.length > 0) {
    lines.push('', `### Failed, not merged (${failed.length})`, '')
    for (const a of failed)
      lines.push(`- \`${a.id}\`${a.error ? `: ${a.error.code} ${cell(a.error.message)}` : ''}`)
  }
  lines.push('', `<details><summary>Agents that passed (${passed.length})</summary>`, '')
  for (const a of passed) lines.push(`- \`${a.id}\` (${a.node.kind}, score ${formatScore(a.votes?.score)})`)
  lines.push(
    '',
    '</details>',
    '',
    `Review locally: \`git momentum log ${record.runId}\` and \`git momentum show ${record.runId} <agent>\`.`,
  )
  return `${lines.join('\n')}\n`
}
