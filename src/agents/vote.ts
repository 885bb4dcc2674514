import { toMomentumError } from '../errors/index.js'
import { type Agent, flatten } from './agent-tree.js'
import { broadcast, type VoteNode } from './broadcast.js'
import type { RunContext } from './context.js'
import { isFatal } from './fatal.js'
import { parentOutline, siblingNames } from './outline.js'
import type { Vote } from './schema.js'
import { runScript, voteValue } from './script-host.js'

/** What voting needs from a run (plans have no sandboxes or scheduler). */
export type VoteContext = Pick<RunContext, 'intent' | 'provider' | 'files' | 'log' | 'signal'> & {
  threshold: number
  /** Votes recorded by an earlier try of the run (resume): reused, so no script or model runs again. */
  prior?: Map<string, Vote>
}

/**
 * Broadcasts the intent down the agent tree and records every vote: acting agents stay pending,
 * the rest become `passed` with their score in the record. A vote script that crashes counts as 0
 * and the run says so (a warning), rather than stopping everything.
 */
export async function runVotes(ctx: VoteContext, root: Agent): Promise<void> {
  const byId = new Map(flatten(root).map((a) => [a.rec.id, a]))
  const toVoteNode = (a: Agent): VoteNode => ({
    id: a.rec.id,
    children: a.children.map(toVoteNode),
    scripted: a.scriptFile !== null,
    delegate: a.delegate,
    forced: a.forced,
    selfWork: a.selfWork,
  })
  const voter = async (n: VoteNode): Promise<number> => {
    const agent = byId.get(n.id)!
    const prior = ctx.prior?.get(n.id)
    if (prior) return prior.score
    ctx.log.set(agent.rec.id, 'voting')
    try {
      const bytes =
        agent.node?.lang || agent.insertion ? await ctx.files.read(agent.base, agent.rec.range.path) : null
      const text = agent.insertion
        ? agent.insertion.skeleton
        : bytes && agent.node
          ? bytes.toString('utf8', agent.node.startByte, agent.node.endByte)
          : ''
      const result = await runScript({
        agent,
        mode: 'vote',
        intent: ctx.intent,
        text,
        parentOutline: parentOutline(agent, bytes),
        siblingNames: siblingNames(agent),
        provider: agent.voteWithModel ? ctx.provider : null,
        attempt: 1,
        feedback: '',
        context: '',
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      })
      return voteValue(agent.rec.id, result.value)
    } catch (err) {
      const e = toMomentumError(err)
      if (e.code === 'INTERRUPTED' || isFatal(e)) throw e
      // A broken vote script is a config problem, but one agent must not sink the whole run.
      ctx.log.warn(`${agent.rec.id}: vote failed (${e.message}); counted as 0`)
      agent.rec.error = { code: e.code, message: e.message }
      return 0
    }
  }
  const votes = await broadcast(toVoteNode(root), voter, ctx.threshold, (node, vote) => {
    const agent = byId.get(node.id)!
    agent.rec.votes = vote
  })
  for (const [id, vote] of votes) {
    const agent = byId.get(id)!
    agent.rec.votes = vote
    ctx.log.set(
      id,
      vote.acted ? 'pending' : 'passed',
      vote.acted ? {} : { detail: `score ${vote.score.toFixed(2)}` },
    )
  }
}
