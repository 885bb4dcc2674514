import { z } from 'zod'
import { type LimitPreset, loadPym, runPym } from '../grail/index.js'
import { createNodeExternals, type ExternalState, type NodeContext } from './externals.js'
import type { LoadedTemplate } from './load.js'
import type { ResolvedBlock } from './render.js'
import type { TemplateVars } from './schema.js'

/** Which script governs a node: the block's own, else (for a template's root node) the template's. */
export interface ScriptChoice {
  /** Resolved .pym path. */
  file: string
  limits: LimitPreset
  vars: TemplateVars
}

/** The script for a block of a loaded template, or null when the block has none (regions). */
export function blockScript(template: LoadedTemplate, block: ResolvedBlock): ScriptChoice | null {
  const name = block.block.script
  if (!name) return null
  const found = template.scripts[name]
  if (!found) return null
  return { file: found.file, limits: block.block.limits ?? template.limits, vars: block.vars }
}

/** The script governing the template's own node (e.g. the pyproject.toml file), or null. */
export function templateScript(template: LoadedTemplate, vars: TemplateVars): ScriptChoice | null {
  const found = template.script ? template.scripts[template.script] : undefined
  return found ? { file: found.file, limits: template.limits, vars } : null
}

/** One run of a block script. */
export interface BlockRunOptions {
  mode: 'vote' | 'edit'
  intent: string
  node: NodeContext
  signal?: AbortSignal
}

/** What a vote returns: the score and everything the script logged. */
export interface VoteResult {
  score: number
  logs: string[]
  modelCalls: number
}

/** What an edit returns: the script's summary and the proposed text (null: no change). */
export interface EditResult {
  summary: string
  proposed: string | null
  state: ExternalState
}

const VoteOutput = z.number()

/** Runs a script in vote mode; the value is clamped to [0, 1]. */
export async function voteWithScript(
  choice: ScriptChoice,
  opts: Omit<BlockRunOptions, 'mode'>,
): Promise<VoteResult> {
  const { externals, state } = createNodeExternals(opts.node)
  const script = loadPym(choice.file)
  const value = await runPym(script, {
    inputs: { mode: 'vote', intent: opts.intent, vars: choice.vars },
    externals,
    limits: choice.limits,
    output: VoteOutput,
    ...(opts.signal ? { signal: opts.signal } : {}),
  })
  const score = Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0
  return { score, logs: state.logs, modelCalls: state.modelCalls }
}

/** Runs a script in edit mode; `proposed` is what it passed to propose(), if anything. */
export async function editWithScript(
  choice: ScriptChoice,
  opts: Omit<BlockRunOptions, 'mode'>,
): Promise<EditResult> {
  const { externals, state } = createNodeExternals(opts.node)
  const script = loadPym(choice.file)
  const value = await runPym(script, {
    inputs: { mode: 'edit', intent: opts.intent, vars: choice.vars },
    externals,
    limits: choice.limits,
    ...(opts.signal ? { signal: opts.signal } : {}),
  })
  return {
    summary: typeof value === 'string' ? value : JSON.stringify(value),
    proposed: state.proposed,
    state,
  }
}
