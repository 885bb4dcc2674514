import { toMomentumError } from '../errors/index.js'
import { createSandbox } from '../sandbox/create.js'
import { structuralMerge } from '../sandbox/merge.js'
import { TRAILER } from '../sandbox/trailers.js'
import type { MergeChild, Ownership, Sandbox } from '../sandbox/types.js'
import { lineAt, lineStarts } from '../syntax/bytes.js'
import { validatorsFor } from '../validate/registry.js'
import { detectSandbox } from '../validate/sandbox.js'
import type { Agent } from './agent-tree.js'
import { type RunContext, sandboxId } from './context.js'
import { isFatal } from './fatal.js'
import type { ValidationRecord } from './schema.js'

/** A child's finished work offered to its parent. */
export interface ChildWork {
  agent: Agent
  head: string
  owns: Ownership[]
}

/** How a parent's merge ended. */
export type MergeOutcome =
  | { ok: true; head: string; owns: Ownership[] }
  | { ok: false; error: { code: string; message: string } }

const FILE_LEVEL = new Set(['file'])
const TREE_LEVEL = new Set(['directory', 'repo'])

/**
 * What an agent owns: its range (leaf, class, table), its file, or — for a directory or the repo —
 * every file an acting descendant may touch plus the paths its level's commands need. Known right
 * after the vote, so a parent's sandbox can be made while its children work.
 */
export function ownsOf(agent: Agent, extra: readonly string[] = []): Ownership[] {
  const kind = agent.rec.node.kind
  if (FILE_LEVEL.has(kind)) return [{ path: agent.rec.node.path, whole: true }]
  if (TREE_LEVEL.has(kind)) {
    const paths = new Set<string>()
    const walk = (a: Agent): void => {
      for (const c of a.children) {
        if (!c.rec.votes?.acted) continue
        if (FILE_LEVEL.has(c.rec.node.kind)) paths.add(c.rec.node.path)
        else walk(c)
      }
    }
    walk(agent)
    const own: Ownership[] = [...paths].sort().map((path) => ({ path, whole: true as const }))
    for (const p of extra) own.push({ path: p.endsWith('/') ? p : `${p}/`, whole: true })
    return own
  }
  const { path, start, end } = agent.rec.range
  return [{ path, start, end }]
}

/** Starts making a parent's sandbox now (it is needed only after its children finish). */
export function prepareContainer(ctx: RunContext, agent: Agent, base: string): Promise<Sandbox> {
  const kind = agent.rec.node.kind
  const commandPaths = TREE_LEVEL.has(kind)
    ? ctx.config.validate.commands.filter((c) => c.level === kind).flatMap((c) => c.paths)
    : []
  const made = containerSandbox(ctx, agent, ownsOf(agent, commandPaths), base)
  // Awaited later by mergeUp; until then a failure must not surface as an unhandled rejection.
  made.catch(() => undefined)
  return made
}

/**
 * The upward step: merge the children that succeeded into this agent's sandbox with the structural
 * merge, drop any child the merge names in a conflict (it fails, clearly recorded) and merge the
 * rest, then run this level's validators on the result. A failing level fails this agent.
 */
export async function mergeUp(
  ctx: RunContext,
  agent: Agent,
  work: ChildWork[],
  prepared: Promise<Sandbox>,
): Promise<MergeOutcome> {
  const id = agent.rec.id
  let pending = orderForMerge(work)
  const kind = agent.rec.node.kind
  ctx.log.set(id, 'merging', { detail: `${pending.length} child${pending.length === 1 ? '' : 'ren'}` })
  const sandbox = await prepared
  const owns = [...sandbox.owns]
  while (pending.length > 0) {
    const result = await ctx.scheduler.run(() =>
      structuralMerge(ctx.git, {
        parent: sandbox,
        children: pending.map((w): MergeChild => ({ agentId: w.agent.rec.id, head: w.head, owns: w.owns })),
        message: `momentum: merge ${pending.length} into ${kind} ${agent.rec.node.name}`,
        trailers: {
          [TRAILER.kind]: kind,
          [TRAILER.name]: agent.rec.node.name,
          [TRAILER.model]: ctx.provider.model,
        },
      }),
    )
    if (result.ok) break
    const { conflict } = result
    const losers = new Set(conflict.agents.filter((a) => pending.some((w) => w.agent.rec.id === a)))
    // A conflict that names no child (or only the parent) cannot be narrowed down: the level fails.
    if (losers.size === 0) {
      return { ok: false, error: { code: 'MERGE_CONFLICT', message: `${conflict.kind}: ${conflict.detail}` } }
    }
    for (const w of pending) {
      if (!losers.has(w.agent.rec.id)) continue
      w.agent.rec.error = { code: 'MERGE_CONFLICT', message: `${conflict.kind}: ${conflict.detail}` }
      ctx.log.set(w.agent.rec.id, 'failed', { detail: `merge conflict: ${conflict.detail}`, save: true })
    }
    pending = pending.filter((w) => !losers.has(w.agent.rec.id))
  }
  if (pending.length === 0)
    return { ok: false, error: { code: 'MERGE_CONFLICT', message: 'every child conflicted' } }
  const head = await sandbox.head()
  ctx.log.set(id, 'validating')
  const validations = await ctx.scheduler.run(() => validateLevel(ctx, agent, sandbox, head))
  agent.rec.validations = validations
  agent.rec.attempts.push({ n: agent.rec.attempts.length + 1, phase: 'self', commit: head, validations })
  const failed = validations.filter((v) => !v.ok)
  if (failed.length > 0) {
    const message = failed.flatMap((v) => v.diagnostics.slice(0, 5).map((d) => `[${v.name}] ${d}`)).join('\n')
    return { ok: false, error: { code: 'VALIDATION_FAILED', message: message || 'level validation failed' } }
  }
  for (const w of pending) ctx.log.set(w.agent.rec.id, 'merged', { save: true })
  return { ok: true, head, owns }
}

/** Children in merge order: created blocks in template order, after edits, so insertions stack predictably. */
function orderForMerge(work: ChildWork[]): ChildWork[] {
  return [...work].sort((a, b) => {
    const ia = a.agent.insertion?.order ?? -1
    const ib = b.agent.insertion?.order ?? -1
    return ia - ib || a.agent.rec.range.start - b.agent.rec.range.start
  })
}

function containerSandbox(ctx: RunContext, agent: Agent, owns: Ownership[], base: string): Promise<Sandbox> {
  const key = `${agent.rec.id}\0merge`
  const known = ctx.sandboxes.get(key)
  if (known) return known
  const made = createSandbox(ctx.git, { runId: ctx.runId, agentId: sandboxId(ctx, agent), base, owns }).then(
    (sandbox) => {
      agent.rec.sandbox = { branch: sandbox.branch, worktree: sandbox.worktree }
      return sandbox
    },
  )
  ctx.sandboxes.set(key, made)
  return made
}

async function validateLevel(
  ctx: RunContext,
  agent: Agent,
  sandbox: Sandbox,
  head: string,
): Promise<ValidationRecord[]> {
  const kind = agent.rec.node.kind
  const lang = agent.rec.node.lang
  const path = agent.rec.node.path
  const out: ValidationRecord[] = []
  try {
    if (FILE_LEVEL.has(kind)) {
      const bytes = await ctx.git.readBlob(head, path)
      for (const v of validatorsFor('file', lang, ctx.config.validate)) {
        out.push(
          await v.run({ dir: sandbox.worktree, path, bytes, ...(ctx.signal ? { signal: ctx.signal } : {}) }),
        )
      }
    } else if (TREE_LEVEL.has(kind)) {
      const level = kind === 'repo' ? 'repo' : 'directory'
      const validators = validatorsFor(level, null, ctx.config.validate)
      if (validators.length > 0) {
        const info = await detectSandbox(ctx.config.validate.sandbox)
        if (info.warning) ctx.warnOnce(info.warning)
      }
      for (const v of validators) {
        out.push(await v.run({ dir: sandbox.worktree, path, ...(ctx.signal ? { signal: ctx.signal } : {}) }))
      }
    } else if (lang) {
      // A class or table that merged its children checks its own (grown) range at node level.
      const bytes = await ctx.git.readBlob(head, path)
      const base = await ctx.files.read(agent.base, path)
      const { start, end } = agent.rec.range
      const newEnd = end + (bytes.length - base.length)
      const starts = lineStarts(bytes)
      const lines = { start: lineAt(starts, start), end: lineAt(starts, Math.max(start, newEnd - 1)) }
      for (const v of validatorsFor('node', lang, ctx.config.validate)) {
        out.push(
          await v.run({
            dir: sandbox.worktree,
            path,
            bytes,
            lines,
            ...(ctx.signal ? { signal: ctx.signal } : {}),
          }),
        )
      }
    }
  } catch (err) {
    const e = toMomentumError(err)
    if (e.code === 'INTERRUPTED' || isFatal(e)) throw e
    out.push({ name: 'validator', ok: false, diagnostics: [`${e.code}: ${e.message}`], durationMs: 0 })
  }
  return out
}
