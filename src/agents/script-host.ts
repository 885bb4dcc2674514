import { z } from 'zod'
import { fail, isMomentumError, MomentumError } from '../errors/index.js'
import { loadPym } from '../grail/load.js'
import type { ExternalImpl } from '../grail/run.js'
import { runPym } from '../grail/run.js'
import { askJson } from '../model/ask-json.js'
import type { ChatPurpose, ModelProvider } from '../model/types.js'
import { splitKeyPath, tomlAppend, tomlGet, tomlSet, tomlTables } from '../syntax/toml-edit.js'
import { isReplyKind, REPLY_SCHEMAS, replyInstruction } from '../templates/replies.js'
import type { Agent } from './agent-tree.js'
import { buildMessages } from './prompts.js'

/** What a script run sees besides its node: the intent, mode, and (on retries) the feedback. */
export interface ScriptCall {
  agent: Agent
  mode: 'vote' | 'edit'
  intent: string
  /** The node's text as the script starts from it (base text, or the skeleton for a new block). */
  text: string
  parentOutline: string
  siblingNames: string[]
  provider: ModelProvider | null
  attempt: number
  feedback: string
  /** Extra context a parent adds when it retries a reset child. */
  context: string
  signal?: AbortSignal
}

/** What the script did: its value, the text it proposes (null: unchanged), and its log lines. */
export interface ScriptResult {
  value: unknown
  proposal: string | null
  logs: string[]
  /** Short summary of the model replies and edits, for the record. */
  summary: string
}

// Well-known top-level pyproject keys: a key path starting with one is absolute, not table-relative.
const TOP_LEVEL = new Set(['project', 'tool', 'build-system', 'dependency-groups'])

/**
 * Runs an agent's `.pym` in Monty with the host externals bound to this one node. The TOML
 * externals edit the node's working text structurally; `propose` replaces it; `ask_model` sends the
 * script's prompt plus the host's framing and validates the reply against the named reply schema,
 * so an invalid reply surfaces as MODEL_REPLY_INVALID (a failed attempt), never as a crash.
 */
export async function runScript(call: ScriptCall): Promise<ScriptResult> {
  const { agent } = call
  if (!agent.scriptFile)
    throw fail('INTERNAL', `${agent.rec.id} has no script`, 'This is a bug in git-momentum.')
  const script = loadPym(agent.scriptFile)
  let working: Buffer = Buffer.from(call.text, 'utf8')
  let proposed: string | null = null
  let modelError: MomentumError | null = null
  const logs: string[] = []
  const summary: string[] = []
  // Key paths are absolute ('tool.pytest.ini_options.addopts') or relative to the node's first
  // table ('addopts'); the last segment is the key, the rest its table (created when missing).
  const resolveKey = (keyPath: string): { table: string[]; key: string[] } => {
    const parts = splitKeyPath(keyPath)
    const header = tomlTablesSafe(working)[0] ?? []
    const absolute =
      (header.length > 0 && header.every((seg, i) => parts[i] === seg)) ||
      (parts.length > 1 && TOP_LEVEL.has(parts[0]!))
    const full = absolute ? parts : [...header, ...parts]
    return { table: full.slice(0, -1), key: full.slice(-1) }
  }
  const info = agent.node ?? null
  const externals: Record<string, ExternalImpl> = {
    node_text: () => working.toString('utf8'),
    node_info: () => ({
      id: agent.rec.id,
      kind: agent.rec.node.kind,
      name: agent.rec.node.name,
      path: agent.rec.node.path,
      lang: agent.rec.node.lang,
      start_byte: agent.rec.range.start,
      end_byte: agent.rec.range.end,
      start_line: info?.startLine ?? 0,
      end_line: info?.endLine ?? 0,
      insertion: agent.rec.insertion,
      missing: agent.rec.insertion,
      block: agent.rec.block,
      template: agent.parent?.template?.name ?? agent.template?.name ?? null,
    }),
    parent_outline: () => call.parentOutline,
    sibling_names: () => call.siblingNames,
    ask_model: (async (prompt: string, replyKind: string) => {
      if (!call.provider) {
        throw fail(
          'MODEL_FAILED',
          `${agent.rec.id}: its script asked the model while voting, which its template does not allow`,
          'Set vote_with_model = true on the block, or vote without the model.',
        )
      }
      if (!isReplyKind(replyKind)) {
        throw fail(
          'SCRIPT_EXTERNAL',
          `unknown reply kind "${replyKind}"`,
          `Use one of: ${Object.keys(REPLY_SCHEMAS).join(', ')}.`,
        )
      }
      const purpose: ChatPurpose =
        call.mode === 'vote' ? 'vote' : call.attempt > 1 ? 'heal' : agent.rec.insertion ? 'generate' : 'edit'
      const messages = buildMessages({
        prompt,
        replyKind,
        replyShape: replyInstruction(replyKind),
        feedback: call.mode === 'edit' && call.feedback !== '' ? call.feedback : null,
        context: call.context !== '' ? call.context : null,
      })
      try {
        const schema: z.ZodType = REPLY_SCHEMAS[replyKind]
        const { value } = await askJson(
          call.provider,
          { agentId: agent.rec.id, purpose, messages, ...(call.signal ? { signal: call.signal } : {}) },
          schema,
        )
        summary.push(`${replyKind}: ${short(JSON.stringify(value))}`)
        return value
      } catch (err) {
        if (isMomentumError(err)) modelError ??= err
        throw err
      }
    }) as ExternalImpl,
    toml_get: ((keyPath: string) => {
      const { table, key } = resolveKey(keyPath)
      return tomlGet(working, [...table, ...key]) ?? null
    }) as ExternalImpl,
    toml_set: ((keyPath: string, value: unknown) => {
      const { table, key } = resolveKey(keyPath)
      const next = tomlSet(working, table, key, value)
      const changed = !next.equals(working)
      if (changed) summary.push(`set ${[...table, ...key].join('.')}`)
      working = next
      return changed
    }) as ExternalImpl,
    toml_append: ((keyPath: string, item: unknown) => {
      const { table, key } = resolveKey(keyPath)
      const next = tomlAppend(working, table, key, item)
      const changed = !next.equals(working)
      if (changed) summary.push(`append ${[...table, ...key].join('.')} += ${short(JSON.stringify(item))}`)
      working = next
      return changed
    }) as ExternalImpl,
    propose: ((text: string) => {
      proposed = text
      working = Buffer.from(text, 'utf8')
    }) as ExternalImpl,
    log: ((message: string) => {
      logs.push(message)
    }) as ExternalImpl,
  }
  const inputs: Record<string, unknown> = {
    intent: call.intent,
    mode: call.mode,
    feedback: call.feedback,
    context: call.context,
    attempt: call.attempt,
    vars: call.agent.vars,
    block: agent.rec.block ?? '',
    kind: agent.rec.node.kind,
    name: agent.rec.node.name,
    path: agent.rec.node.path,
    node_text: call.text,
  }
  let value: unknown
  try {
    value = await runPym(script, {
      inputs,
      externals,
      limits: agent.limits,
      ...(call.signal ? { signal: call.signal } : {}),
    })
  } catch (err) {
    // The model's bad reply is the cause worth reporting (and healing from), not the script's traceback.
    if (modelError) throw modelError
    throw err
  }
  // propose() is the contract; structural TOML edits without a propose() still count as the proposal.
  const final = working.toString('utf8')
  const proposal = proposed ?? (final !== call.text ? final : textFromValue(value))
  if (typeof value === 'string') summary.unshift(value)
  return { value, proposal, logs, summary: short(summary.join('; '), 300) }
}

// A script may also end with the reply dict itself; a bare string is a summary, never new text.
const TextReply = z.union([
  z.object({ code: z.string() }).loose(),
  z.object({ text: z.string() }).loose(),
  z.object({ markdown: z.string() }).loose(),
])

function textFromValue(value: unknown): string | null {
  const parsed = TextReply.safeParse(value)
  if (!parsed.success) return null
  const v = parsed.data
  if ('code' in v && typeof v.code === 'string') return v.code
  if ('text' in v && typeof v.text === 'string') return v.text
  if ('markdown' in v && typeof v.markdown === 'string') return v.markdown
  return null
}

/** A script's vote as a number; anything else is a script error with the script named. */
export function voteValue(agentId: string, value: unknown): number {
  const parsed = z.union([z.number(), z.object({ relevance: z.number() }).loose()]).safeParse(value)
  if (!parsed.success) {
    throw new MomentumError(
      'SCRIPT_OUTPUT',
      `${agentId}: the vote script returned ${short(JSON.stringify(value) ?? String(value))}, not a number`,
      'A script in vote mode must end with a float in [0, 1].',
    )
  }
  return typeof parsed.data === 'number' ? parsed.data : parsed.data.relevance
}

function tomlTablesSafe(bytes: Buffer): string[][] {
  try {
    return tomlTables(bytes).map((t) => [...t.header])
  } catch {
    return []
  }
}

function short(s: string, max = 120): string {
  return s.length > max ? `${s.slice(0, max)}…` : s
}
