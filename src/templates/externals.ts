import { fail, isMomentumError, type MomentumError } from '../errors/index.js'
import type { ExternalImpl } from '../grail/index.js'
import { tomlAppend, tomlSet } from '../syntax/toml-edit.js'
import { splitKeyPath, tomlTables } from '../syntax/toml-index.js'
import { tomlGet } from '../syntax/toml-value.js'
import { isReplyKind, REPLY_SCHEMAS, type ReplyKind } from './replies.js'

/**
 * What a script sees of its node. Runs (src/agents/script-host.ts) and the template tests build one
 * per agent and attempt; both get the same externals from createNodeExternals.
 */
export interface NodeContext {
  /** The node's current bytes; for a missing block, its rendered skeleton. */
  text: Buffer
  /** node_info(): id, kind, name, path, lang, range, plus `block`, `template` and `missing`. */
  info: Record<string, unknown>
  parentOutline: string
  siblingNames: string[]
  /**
   * Sends the script's prompt for a reply kind and returns the model's JSON; the host frames the
   * prompt (system message, reply shape, feedback). The reply is checked here against
   * REPLY_SCHEMAS[kind] before the script sees it. Absent when the script may not use a model.
   */
  askModel?: (prompt: string, replyKind: ReplyKind) => Promise<unknown>
  /** The error a script gets when it asks the model and askModel is absent (the host knows why). */
  noModel?: () => Error
  log?: (message: string) => void
}

/** What the script did to its node, for the host to read after the run. */
export interface ExternalState {
  /** Current text, including edits made through toml_set / toml_append and propose. */
  text: Buffer
  /** The last propose(text) call, or null. */
  proposed: string | null
  logs: string[]
  modelCalls: number
  /** One line per reply and structural edit, for the attempt's record. */
  summary: string[]
  /** The first model error a script saw: the cause worth reporting, whatever the script did next. */
  modelError: MomentumError | null
}

// Well-known top-level pyproject keys: a key path starting with one is absolute, not table-relative.
const TOP_LEVEL = new Set(['project', 'tool', 'build-system', 'dependency-groups'])

/** The host externals (docs/agents.md, "Host externals") over one node, plus the state they change. */
export function createNodeExternals(ctx: NodeContext): {
  externals: Record<string, ExternalImpl>
  state: ExternalState
} {
  const state: ExternalState = {
    text: ctx.text,
    proposed: null,
    logs: [],
    modelCalls: 0,
    summary: [],
    modelError: null,
  }
  // Key paths are absolute ('tool.pytest.ini_options.addopts') or relative to the node's first
  // table ('addopts'); the last segment is the key, the rest its table (created when missing).
  const resolveKey = (keyPath: string): { table: string[]; key: string } => {
    const parts = splitKeyPath(keyPath)
    if (parts.length === 0 || parts.some((p) => p === '')) {
      throw fail(
        'TOML_EDIT_FAILED',
        `empty key path "${keyPath}"`,
        'Pass a dotted key path such as "project.dependencies".',
      )
    }
    const header = tablesOf(state.text)[0] ?? []
    const absolute =
      (header.length > 0 && header.every((seg, i) => parts[i] === seg)) ||
      (parts.length > 1 && TOP_LEVEL.has(parts[0] ?? ''))
    const full = absolute ? parts : [...header, ...parts]
    return { table: full.slice(0, -1), key: full[full.length - 1] ?? '' }
  }
  const replace = (next: Buffer, what: string): boolean => {
    const changed = !next.equals(state.text)
    if (changed) state.summary.push(what)
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
        throw (
          ctx.noModel?.() ??
          fail(
            'MODEL_FAILED',
            'this script needs a model and none is configured',
            'Configure [model] in .momentum/config.toml (or use the replay provider).',
          )
        )
      }
      state.modelCalls += 1
      try {
        const raw = await ctx.askModel(prompt, replyKind)
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
        state.summary.push(`${replyKind}: ${short(JSON.stringify(parsed.data))}`)
        return { ...parsed.data }
      } catch (err) {
        if (isMomentumError(err)) state.modelError ??= err
        throw err
      }
    },
    toml_get: (keyPath: string): unknown => {
      const { table, key } = resolveKey(keyPath)
      return plain(tomlGet(state.text, [...table, key]))
    },
    toml_set: (keyPath: string, value: unknown): boolean => {
      const { table, key } = resolveKey(keyPath)
      return replace(tomlSet(state.text, table, [key], value), `set ${[...table, key].join('.')}`)
    },
    toml_append: (keyPath: string, item: unknown): boolean => {
      const { table, key } = resolveKey(keyPath)
      return replace(
        tomlAppend(state.text, table, [key], item),
        `append ${[...table, key].join('.')} += ${short(JSON.stringify(item))}`,
      )
    },
    propose: (text: string): null => {
      state.proposed = text
      state.text = Buffer.from(text, 'utf8')
      return null
    },
    log: (message: string): null => {
      state.logs.push(message)
      ctx.log?.(message)
      return null
    },
  }
  const externals: Record<string, ExternalImpl> = {}
  for (const [name, fn] of Object.entries(impls)) externals[name] = fn as ExternalImpl
  return { externals, state }
}

/** Cuts a summary line to `max` characters. */
export function short(s: string, max = 120): string {
  return s.length > max ? `${s.slice(0, max)}…` : s
}

function tablesOf(bytes: Buffer): string[][] {
  try {
    return tomlTables(bytes).map((t) => [...t.header])
  } catch {
    return []
  }
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
