import { fail } from '../errors/index.js'
import type { ExternalImpl } from '../grail/index.js'
import { splitKeyPath, tomlAppend, tomlGet, tomlSet } from '../syntax/toml-edit.js'
import { isReplyKind, REPLY_SCHEMAS, replyInstruction } from './replies.js'

/** What a block script sees of its node; the host builds one per agent and attempt. */
export interface NodeContext {
  /** The node's current bytes; for a missing block, its rendered skeleton. */
  text: Buffer
  /** node_info(): id, kind, name, path, lang, range, plus `block`, `template` and `missing`. */
  info: Record<string, unknown>
  parentOutline: string
  siblingNames: string[]
  /**
   * Sends a prompt to the model and returns its parsed JSON (unvalidated: the externals check it
   * against REPLY_SCHEMAS[kind]). Absent when no model is configured.
   */
  askModel?: (prompt: string, replyKind: string) => Promise<unknown>
  log?: (message: string) => void
}

/** What the script did: the node's text after TOML edits, what it proposed, and its log lines. */
export interface ExternalState {
  /** Current text, including edits made through toml_set / toml_append. */
  text: Buffer
  /** The last propose(text) call, or null. */
  proposed: string | null
  logs: string[]
  modelCalls: number
}

/** The host externals (COMMON.md's set) over one node, plus the state they mutate. */
export function createNodeExternals(ctx: NodeContext): {
  externals: Record<string, ExternalImpl>
  state: ExternalState
} {
  const state: ExternalState = { text: ctx.text, proposed: null, logs: [], modelCalls: 0 }
  const split = (keyPath: string): { table: string[]; key: string } => {
    const parts = splitKeyPath(keyPath)
    const key = parts.pop()
    if (key === undefined || key === '') {
      throw fail(
        'TOML_EDIT_FAILED',
        `empty key path "${keyPath}"`,
        'Pass a dotted key path such as "project.dependencies".',
      )
    }
    return { table: parts, key }
  }
  const replace = (next: Buffer): boolean => {
    const changed = !next.equals(state.text)
    state.text = next
    return changed
  }
  const impls = {
    node_text: (): string => state.text.toString('utf8'),
    node_info: (): Record<string, unknown> => ({ ...ctx.info }),
    parent_outline: (): string => ctx.parentOutline,
    sibling_names: (): string[] => [...ctx.siblingNames],
    ask_model: async (prompt: string, replyKind: string): Promise<Record<string, unknown>> => {
      if (!isReplyKind(replyKind)) {
        throw fail(
          'SCRIPT_EXTERNAL',
          `unknown reply kind "${replyKind}"`,
          `Use one of: ${Object.keys(REPLY_SCHEMAS).join(', ')}.`,
        )
      }
      if (!ctx.askModel) {
        throw fail(
          'MODEL_FAILED',
          'this script needs a model and none is configured',
          'Configure [model] in .momentum/config.toml (or use the replay provider).',
        )
      }
      state.modelCalls += 1
      const raw = await ctx.askModel(`${prompt}\n\n${replyInstruction(replyKind)}`, replyKind)
      const parsed = REPLY_SCHEMAS[replyKind].safeParse(raw)
      if (!parsed.success) {
        const issue = parsed.error.issues[0]
        throw fail(
          'MODEL_REPLY_INVALID',
          `model reply does not match "${replyKind}": ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}`,
          'The attempt counts as failed; the agent retries with the error in the prompt.',
          { replyKind },
        )
      }
      return { ...parsed.data }
    },
    toml_get: (keyPath: string): unknown => plain(tomlGet(state.text, keyPath)),
    toml_set: (keyPath: string, value: unknown): boolean => {
      const { table, key } = split(keyPath)
      return replace(tomlSet(state.text, table, [key], value))
    },
    toml_append: (keyPath: string, item: unknown): boolean => {
      const { table, key } = split(keyPath)
      return replace(tomlAppend(state.text, table, [key], item))
    },
    propose: (text: string): null => {
      state.proposed = text
      return null
    },
    log: (message: string): null => {
      state.logs.push(message)
      ctx.log?.(message)
      return null
    },
  }
  const externals: Record<string, ExternalImpl> = {}
  for (const [name, fn] of Object.entries(impls)) externals[name] = fn
  return { externals, state }
}

/** TOML values as the script should see them: dates as ISO strings, no undefined. */
function plain(v: unknown): unknown {
  if (v === undefined) return null
  if (v instanceof Date) return v.toISOString()
  if (typeof v === 'bigint') return Number(v)
  if (Array.isArray(v)) return v.map(plain)
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]))
  }
  return v
}
