import { toMomentumError } from '../errors/index.js'
import type { Agent } from './agent-tree.js'
import type { RunContext } from './context.js'
import { isFatal } from './fatal.js'
import { type LeafResult, workLeaf } from './leaf.js'
import { type ChildWork, mergeUp, ownsOf, prepareContainer } from './merge-up.js'
import { parentOutline } from './outline.js'
import { parentRetryContext } from './prompts.js'

/** How an acting agent ended: its work (a commit, or none when nothing needed to change), or failure. */
export type Executed = { ok: true; work: ChildWork | null } | { ok: false }

/**
 * Runs an acting agent and everything below it. Acting children run concurrently (bounded only by
 * the scheduler); a parent waits for them without holding a slot, then merges upward. A leaf heals
 * itself up to `max_attempts`, then its parent resets its sandbox and retries it once with richer
 * context; after that it fails and its work is not merged.
 */
export async function execute(ctx: RunContext, agent: Agent): Promise<Executed> {
  const id = agent.rec.id
  if (!agent.rec.votes?.acted) return { ok: true, work: null }
  const reused = ctx.reusable.get(id)
  if (reused !== undefined) {
    agent.rec.head = reused
    ctx.log.set(id, 'reused', { detail: reused.slice(0, 12), save: true })
    return { ok: true, work: { agent, head: reused, owns: ownsOf(agent) } }
  }
  const acting = agent.children.filter((c) => c.rec.votes?.acted)
  try {
    if (acting.length === 0 && agent.skeleton) {
      // A generated file whose blocks all exist already: the skeleton is its whole work.
      agent.rec.head = agent.skeleton
      ctx.log.set(id, 'merging', { save: true })
      return { ok: true, work: { agent, head: agent.skeleton, owns: ownsOf(agent) } }
    }
    if (acting.length === 0) return await runLeafWithHealing(ctx, agent)
    // The parent's sandbox is made while its children work: it is off the critical path.
    const prepared = prepareContainer(ctx, agent, agent.skeleton ?? agent.base)
    // allSettled, not all: on cancellation every sibling must finish its current step before the
    // run reports, so nothing is still writing to git when the caller (or a resume) takes over.
    const settled = await Promise.allSettled(acting.map((c) => execute(ctx, c)))
    const rejected = settled.find((r) => r.status === 'rejected')
    if (rejected) throw rejected.reason
    const results = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))
    const work = results.flatMap((r) => (r.ok && r.work ? [r.work] : []))
    const anyFailed = results.some((r) => !r.ok)
    if (work.length === 0) {
      if (anyFailed)
        return fail(ctx, agent, { code: 'CHILDREN_FAILED', message: 'every acting child failed' })
      ctx.log.set(id, 'merged', { detail: 'no change needed', save: true })
      return { ok: true, work: null }
    }
    const merged = await mergeUp(ctx, agent, work, prepared)
    if (!merged.ok) return fail(ctx, agent, merged.error)
    agent.rec.head = merged.head
    ctx.log.set(id, 'merged', { save: true })
    return { ok: true, work: { agent, head: merged.head, owns: merged.owns } }
  } catch (err) {
    const e = toMomentumError(err)
    if (e.code === 'INTERRUPTED' || ctx.signal?.aborted || isFatal(e)) throw e
    return fail(ctx, agent, { code: e.code, message: e.message })
  }
}

async function runLeafWithHealing(ctx: RunContext, agent: Agent): Promise<Executed> {
  const id = agent.rec.id
  let result: LeafResult = await workLeaf(ctx, agent, {
    phase: 'self',
    attempts: ctx.config.run.max_attempts,
    context: '',
    feedback: '',
  })
  if (!result.ok && ctx.config.run.parent_retry && agent.parent) {
    // The parent's turn: reset the child's branch to base (old heads stay under attempt refs)
    // and try once more with what the child could not see: its siblings and its last failure.
    const sandbox = ctx.sandboxes.get(id)
    if (sandbox) await (await sandbox).reset()
    const bytes = agent.rec.node.lang ? await ctx.files.read(agent.base, agent.rec.range.path) : null
    const context = parentRetryContext({
      parentOutline: parentOutline(agent, bytes),
      siblings: agent.parent.children
        .filter((s) => s !== agent)
        .map((s) => `${s.rec.node.kind} ${s.rec.node.name}`),
      failure: result.feedback,
    })
    result = await workLeaf(ctx, agent, { phase: 'parent', attempts: 1, context, feedback: result.feedback })
  }
  if (!result.ok) return fail(ctx, agent, result.error)
  if (result.head === null) {
    ctx.log.set(id, 'merged', { detail: result.detail || 'no change needed', save: true })
    return { ok: true, work: null }
  }
  agent.rec.head = result.head
  // Committed and proven: this is the state resume relies on, so it is saved at once.
  ctx.log.set(id, 'merging', { detail: result.detail, save: true })
  return { ok: true, work: { agent, head: result.head, owns: ownsOf(agent) } }
}

function fail(ctx: RunContext, agent: Agent, error: { code: string; message: string }): Executed {
  agent.rec.error = error
  ctx.log.set(agent.rec.id, 'failed', { detail: error.message.split('\n')[0] ?? '', save: true })
  return { ok: false }
}
