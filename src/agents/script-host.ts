import { z } from 'zod'
import { fail, MomentumError } from '../errors/index.js'
import { loadPym } from '../grail/load.js'
import { runPym } from '../grail/run.js'
import { askJson } from '../model/ask-json.js'
import type { ChatPurpose, ModelProvider } from '../model/types.js'
import { createNodeExternals, short } from '../templates/externals.js'
import { REPLY_SCHEMAS, type ReplyKind, replyInstruction } from '../templates/replies.js'
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

/**
 * Runs an agent's `.pym` in Monty with the host externals (src/templates/externals.ts) bound to this
 * one node. The TOML externals edit the node's working text structurally; `propose` replaces it;
 * `ask_model` sends the script's prompt plus the host's framing and validates the reply against
 * the named reply schema, so an invalid reply surfaces as MODEL_REPLY_INVALID (a failed attempt),
 * never as a crash.
 */
export async function runScript(call: ScriptCall): Promise<ScriptResult> {
  const { agent } = call
  if (!agent.scriptFile)
    throw fail('INTERNAL', `${agent.rec.id} has no script`, 'This is a bug in git-momentum.')
  const script = loadPym(agent.scriptFile)
  const info = agent.node ?? null
  const provider = call.provider
  const purpose: ChatPurpose =
    call.mode === 'vote' ? 'vote' : call.attempt > 1 ? 'heal' : agent.rec.insertion ? 'generate' : 'edit'
  const { externals, state } = createNodeExternals({
    text: Buffer.from(call.text, 'utf8'),
    info: {
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
    },
    parentOutline: call.parentOutline,
    siblingNames: call.siblingNames,
    ...(provider
      ? {
          askModel: async (prompt: string, replyKind: ReplyKind): Promise<unknown> => {
            const messages = buildMessages({
              prompt,
              replyKind,
              replyShape: replyInstruction(replyKind),
              feedback: call.mode === 'edit' && call.feedback !== '' ? call.feedback : null,
              context: call.context !== '' ? call.context : null,
            })
            const schema: z.ZodType = REPLY_SCHEMAS[replyKind]
            const request = {
              agentId: agent.rec.id,
              purpose,
              messages,
              ...(call.signal ? { signal: call.signal } : {}),
            }
            return (await askJson(provider, request, schema)).value
          },
        }
      : {}),
    noModel: () =>
      fail(
        'MODEL_FAILED',
        `${agent.rec.id}: its script asked the model while voting, which its template does not allow`,
        'Set vote_with_model = true on the block, or vote without the model.',
      ),
  })
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
    if (state.modelError) throw state.modelError
    throw err
  }
  // propose() is the contract; structural TOML edits without a propose() still count as the proposal.
  const final = state.text.toString('utf8')
  const proposal = state.proposed ?? (final !== call.text ? final : textFromValue(value))
  const summary = typeof value === 'string' ? [value, ...state.summary] : state.summary
  return { value, proposal, logs: state.logs, summary: short(summary.join('; '), 300) }
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
