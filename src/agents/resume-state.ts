import type { Git } from '../git/git.js'
import { branchName, slugFor } from '../sandbox/names.js'
import type { Agent } from './agent-tree.js'
import type { RunRecord, Vote } from './schema.js'

/** Votes an earlier try recorded, reused so no script or model votes twice. */
export function priorVotes(prior: RunRecord | null): Map<string, Vote> | undefined {
  if (!prior) return undefined
  const out = new Map<string, Vote>()
  for (const a of prior.agents) if (a.votes) out.set(a.id, a.votes)
  return out
}

/** Keeps the attempts and tokens an earlier try of the run recorded for the same agents. */
export function carryHistory(agents: readonly Agent[], prior: RunRecord | null): void {
  if (!prior) return
  const byId = new Map(prior.agents.map((a) => [a.id, a]))
  for (const a of agents) {
    const old = byId.get(a.rec.id)
    if (!old) continue
    a.rec.attempts = old.attempts.filter((t) => !(a.skeleton && t.reply === 'skeleton'))
    a.rec.tokens = old.tokens
  }
}

/**
 * Leaves whose validated commit from an earlier try still exists: reused without a model call. The
 * record says so for most; a leaf that committed just before the process died (its record save
 * lost) is found on its sandbox branch, which only ever moves past base by a validated commit.
 */
export async function reusableCommits(
  git: Git,
  prior: RunRecord,
  agents: readonly Agent[],
): Promise<Map<string, string>> {
  const priorById = new Map(prior.agents.map((a) => [a.id, a]))
  const isLeaf = (a: Agent): boolean => a.children.every((c) => !priorById.get(c.rec.id)?.votes?.acted)
  const out = new Map<string, string>()
  for (const agent of agents) {
    const kind = agent.rec.node.kind
    if (kind === 'file' || kind === 'repo' || kind === 'directory' || !isLeaf(agent)) continue
    const old = priorById.get(agent.rec.id)
    if (!old?.votes?.acted || old.status === 'failed') continue
    if (old.head && (old.status === 'merging' || old.status === 'merged' || old.status === 'reused')) {
      if (await git.resolve(`${old.head}^{commit}`)) out.set(agent.rec.id, old.head)
      continue
    }
    for (let r = prior.resumes; r >= 0; r--) {
      const name = `${agent.rec.id}${r > 0 ? `@r${r}` : ''}`
      const head = await git.resolve(`refs/heads/${branchName(prior.runId, slugFor(name))}`)
      if (head && head !== agent.base) {
        out.set(agent.rec.id, head)
        break
      }
    }
  }
  return out
}
