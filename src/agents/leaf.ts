import { isMomentumError, type MomentumError, toMomentumError } from '../errors/index.js'
import { createSandbox } from '../sandbox/create.js'
import { TRAILER } from '../sandbox/trailers.js'
import type { Sandbox, Trailers } from '../sandbox/types.js'
import { lineAt, lineStarts } from '../syntax/bytes.js'
import { renderInsertion } from '../syntax/insert.js'
import { stitch } from '../syntax/stitch.js'
import { tomlTables } from '../syntax/toml-index.js'
import { validatorsFor } from '../validate/registry.js'
import type { Agent } from './agent-tree.js'
import { type RunContext, sandboxId } from './context.js'
import { isFatal } from './fatal.js'
import { bodyIndentOf, dedentNode, indentAt, normalizeProposal, reindentNode } from './indent.js'
import { parentOutline, siblingNames } from './outline.js'
import type { Attempt, ValidationRecord } from './schema.js'
import { runScript } from './script-host.js'

/** How one phase of an agent's work ended. */
export type LeafResult =
  | { ok: true; head: string | null; detail: string }
  | { ok: false; error: { code: string; message: string }; feedback: string }

/** Options for one phase: the agent's own retries, or the single retry its parent grants. */
export interface LeafPhase {
  phase: 'self' | 'parent'
  attempts: number
  context: string
  /** Feedback carried over from the previous phase. */
  feedback: string
}

/**
 * One acting leaf: run its script in edit mode, splice the proposal into the file at its range,
 * validate at node level in its sandbox, and commit (the range guard runs in commit) only when
 * every check passes. A failed attempt feeds its exact diagnostics into the next one.
 */
export async function workLeaf(ctx: RunContext, agent: Agent, phase: LeafPhase): Promise<LeafResult> {
  const id = agent.rec.id
  const path = agent.rec.range.path
  const lang = agent.rec.node.lang
  const base = await ctx.files.read(agent.base, path)
  const { start, end } = agent.rec.range
  const indent = agent.insertion ? '' : indentAt(base, start)
  const original = agent.insertion
    ? agent.insertion.skeleton
    : dedentNode(base.toString('utf8', start, end), indent)
  const outline = parentOutline(agent, base)
  const siblings = siblingNames(agent)
  // The sandbox is made while the script (and its model call) runs: git work off the critical path.
  const sandboxReady = sandboxFor(ctx, agent)
  sandboxReady.catch(() => undefined)
  let feedback = phase.feedback
  let last: LeafResult = { ok: false, error: { code: 'INTERNAL', message: 'no attempt ran' }, feedback }
  for (let i = 0; i < phase.attempts; i++) {
    const n = agent.rec.attempts.length + 1
    const healing = n > 1
    ctx.log.set(id, healing ? 'healing' : 'generating', {
      attempt: n,
      ...(healing ? { detail: firstLine(feedback) } : {}),
    })
    const attempt: Attempt = { n, phase: phase.phase, validations: [], ...(feedback ? { feedback } : {}) }
    agent.rec.attempts.push(attempt)
    try {
      const result = await ctx.scheduler.run(() =>
        runScript({
          agent,
          mode: 'edit',
          intent: ctx.intent,
          text: original,
          parentOutline: outline,
          siblingNames: siblings,
          provider: ctx.provider,
          attempt: n,
          feedback,
          context: phase.context,
          ...(ctx.signal ? { signal: ctx.signal } : {}),
        }),
      )
      attempt.reply = result.summary || undefined
      if (result.proposal === null || result.proposal.trim() === original.trim()) {
        // The intent needs nothing here (e.g. the dependency is already listed): done, no commit.
        return { ok: true, head: null, detail: result.summary || 'no change' }
      }
      const proposal = normalizeProposal(result.proposal, indent, bodyIndentOf(original))
      const patchText = agent.insertion
        ? renderInsertion(base, agent.insertion.at, proposal)
        : Buffer.from(reindentNode(keepTrailing(proposal, original), indent), 'utf8')
      const stitched = lang ? stitch(lang, base, [{ start, end, text: patchText, nodeId: id }]) : null
      const bytes = stitched?.bytes ?? Buffer.concat([base.subarray(0, start), patchText, base.subarray(end)])
      const sandbox = await sandboxReady
      await sandbox.writeFile(path, bytes)
      ctx.log.set(id, 'validating', { attempt: n })
      const validations = await ctx.scheduler.run(() =>
        validateNode(ctx, agent, sandbox, bytes, start, start + patchText.length, proposal),
      )
      const syntax = (stitched?.problems ?? []).filter((p) => p.nodeId === id)
      if (syntax.length > 0) {
        validations.unshift({
          name: 'syntax',
          ok: false,
          diagnostics: syntax.map((p) => `${path}:${p.line}:${p.column}: ${p.kind} ${p.nodeType}`),
          durationMs: 0,
        })
      }
      attempt.validations = validations
      agent.rec.validations = validations
      const failed = validations.filter((v) => !v.ok)
      if (failed.length > 0) {
        feedback = failed.flatMap((v) => v.diagnostics.map((d) => `[${v.name}] ${d}`)).join('\n')
        attempt.error = { code: 'VALIDATION_FAILED', message: firstLine(feedback) }
        last = { ok: false, error: attempt.error, feedback }
        continue
      }
      const head = await sandbox.commit(
        commitMessage(agent, result.summary),
        trailers(ctx, agent, n, validations),
      )
      attempt.commit = head
      return { ok: true, head, detail: result.summary }
    } catch (err) {
      const e = toMomentumError(err)
      if (e.code === 'INTERRUPTED' || ctx.signal?.aborted || isFatal(e)) throw e
      if (!retryable(e)) {
        attempt.error = { code: e.code, message: e.message }
        return { ok: false, error: attempt.error, feedback: e.message }
      }
      feedback = feedbackFor(e)
      attempt.error = { code: e.code, message: e.message }
      last = { ok: false, error: attempt.error, feedback }
    } finally {
      ctx.log.save()
    }
  }
  return last
}

/** The agent's sandbox, created on first use with the agent's range as its ownership. */
export function sandboxFor(ctx: RunContext, agent: Agent): Promise<Sandbox> {
  const known = ctx.sandboxes.get(agent.rec.id)
  if (known) return known
  const { path, start, end } = agent.rec.range
  const made = createSandbox(ctx.git, {
    runId: ctx.runId,
    agentId: sandboxId(ctx, agent),
    base: agent.base,
    owns: [{ path, start, end }],
  }).then((sandbox) => {
    agent.rec.sandbox = { branch: sandbox.branch, worktree: sandbox.worktree }
    return sandbox
  })
  ctx.sandboxes.set(agent.rec.id, made)
  return made
}

async function validateNode(
  ctx: RunContext,
  agent: Agent,
  sandbox: Sandbox,
  bytes: Buffer,
  start: number,
  end: number,
  proposal: string,
): Promise<ValidationRecord[]> {
  const lang = agent.rec.node.lang
  const starts = lineStarts(bytes)
  const lines = { start: lineAt(starts, start), end: lineAt(starts, Math.max(start, end - 1)) }
  const scope = lang === 'toml' ? tomlScope(proposal) : undefined
  const out: ValidationRecord[] = []
  for (const v of validatorsFor('node', lang, ctx.config.validate)) {
    out.push(
      await v.run({
        dir: sandbox.worktree,
        path: agent.rec.range.path,
        bytes,
        lines,
        ...(scope ? { tomlScope: scope } : {}),
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      }),
    )
  }
  return out
}

/** The common prefix of every table the proposal writes: a node's schema check looks only there. */
function tomlScope(proposal: string): string[] | undefined {
  let headers: string[][]
  try {
    headers = tomlTables(Buffer.from(proposal, 'utf8')).map((t) => t.header)
  } catch {
    return undefined
  }
  if (headers.length === 0) return undefined
  const first = headers[0]!
  let n = first.length
  for (const h of headers) {
    let i = 0
    while (i < n && h[i] === first[i]) i++
    n = i
  }
  return n > 0 ? first.slice(0, n) : undefined
}

// A model asked for "the node" tends to drop or add the final newline; the node's range decides.
function keepTrailing(proposal: string, original: string): string {
  const want = /\n*$/.exec(original)?.[0] ?? ''
  return proposal.replace(/\n*$/, '') + want
}

function retryable(e: MomentumError): boolean {
  return (
    e.code === 'MODEL_REPLY_INVALID' ||
    e.code === 'RANGE_VIOLATION' ||
    e.code === 'PATCH_OVERLAP' ||
    e.code === 'PATCH_OUT_OF_BOUNDS' ||
    e.code === 'TOML_EDIT_FAILED' ||
    e.code === 'SCRIPT_EXECUTION' ||
    e.code === 'SCRIPT_EXTERNAL' ||
    e.code === 'SCRIPT_OUTPUT' ||
    e.code === 'MODEL_FAILED'
  )
}

function feedbackFor(e: MomentumError): string {
  const issues = Array.isArray(e.data.issues) ? e.data.issues.map(String) : []
  return [e.message, ...issues.map((i) => `- ${i}`)].join('\n')
}

function commitMessage(agent: Agent, summary: string): string {
  const what = agent.rec.insertion ? 'create' : 'edit'
  return `momentum: ${what} ${agent.rec.node.kind} ${agent.rec.node.name}\n\n${summary || 'agent edit'}`
}

function trailers(ctx: RunContext, agent: Agent, attempt: number, validations: ValidationRecord[]): Trailers {
  const { path, start, end } = agent.rec.range
  return {
    [TRAILER.run]: ctx.runId,
    [TRAILER.agent]: agent.rec.id,
    [TRAILER.kind]: agent.rec.node.kind,
    [TRAILER.name]: agent.rec.node.name,
    [TRAILER.range]: `${path}:${start}-${end}`,
    [TRAILER.attempt]: String(attempt),
    [TRAILER.model]: ctx.provider.model,
    [TRAILER.validation]: validations.map(
      (v) => `${v.name}: ${v.skipped ? `skipped (${v.skipped})` : v.ok ? 'ok' : 'failed'}`,
    ),
  }
}

function firstLine(s: string): string {
  return (s.split('\n')[0] ?? '').slice(0, 200)
}

/** Whether an error is the user's cancellation (kept apart from agent failures). */
export function isInterrupt(err: unknown): boolean {
  return isMomentumError(err) && err.code === 'INTERRUPTED'
}
