import type { Config } from '../config/schema.js'
import type { ModelProvider } from '../model/types.js'
import type { RunRecord } from './schema.js'

/** Where one agent is in its life; the CLI draws these. */
export type AgentState =
  | 'pending'
  | 'voting'
  | 'passed'
  | 'generating'
  | 'validating'
  | 'healing'
  | 'merging'
  | 'merged'
  | 'failed'
  | 'reused'

/** How a run ended: `partial` means some agents failed and only the others' work was merged. */
export type RunStatus = 'ok' | 'partial' | 'failed' | 'interrupted'

/** Progress events a run emits, in order, for live rendering. */
export type RunEvent =
  | { type: 'run-started'; runId: string; base: string; dirty: boolean }
  | {
      type: 'agent'
      agentId: string
      parentId: string | null
      kind: string
      name: string
      state: AgentState
      score?: number
      attempt?: number
      detail?: string
    }
  | { type: 'warning'; message: string }
  | { type: 'run-finished'; outcome: RunOutcome }

/** A request to create a new file from a template through the agent tree. */
export interface GenerateRequest {
  path: string
  template: string
  vars: Record<string, string>
}

/** Everything a run (or a plan) needs. */
export interface RunOptions {
  cwd: string
  intent: string
  scope: string[]
  config?: Config
  provider?: ModelProvider
  signal?: AbortSignal
  onEvent?: (e: RunEvent) => void
  generate?: GenerateRequest
}

/** Options for finishing an interrupted run. */
export interface ResumeOptions {
  cwd: string
  runId: string
  config?: Config
  provider?: ModelProvider
  signal?: AbortSignal
  onEvent?: (e: RunEvent) => void
}

/** What a run returns: its status, the result branch (if anything merged) and the full record. */
export interface RunOutcome {
  runId: string
  status: RunStatus
  resultBranch: string | null
  resultCommit: string | null
  record: RunRecord
}
