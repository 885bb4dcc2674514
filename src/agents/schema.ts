import { z } from 'zod'

/** States an agent can be in (mirrors the `AgentState` union). */
export const AgentStateSchema = z.enum([
  'pending',
  'voting',
  'passed',
  'generating',
  'validating',
  'healing',
  'merging',
  'merged',
  'failed',
  'reused',
])

/** One validator's verdict, as `src/validate` reports it. */
export const ValidationRecordSchema = z.object({
  name: z.string(),
  ok: z.boolean(),
  diagnostics: z.array(z.string()),
  durationMs: z.number().min(0),
  skipped: z.string().optional(),
})

/** A byte range in the BASE commit's copy of `path`; start == end marks an insertion point. */
export const BaseRangeSchema = z.object({
  path: z.string(),
  start: z.number().int().min(0),
  end: z.number().int().min(0),
})

/** A typed error as saved in the record. */
export const RecordedErrorSchema = z.object({ code: z.string(), message: z.string() })

/** Token counts. */
export const TokenCountSchema = z.object({
  prompt: z.number().int().min(0),
  completion: z.number().int().min(0),
})

/** One try at an agent's work: its own retries (`self`) or the parent's reset-and-retry (`parent`). */
export const AttemptSchema = z.object({
  n: z.number().int().min(1),
  phase: z.enum(['self', 'parent']),
  commit: z.string().optional(),
  reply: z.string().optional().describe('short summary of what the script/model proposed'),
  validations: z.array(ValidationRecordSchema),
  error: RecordedErrorSchema.optional(),
  feedback: z.string().optional().describe('the diagnostics this attempt was given'),
})

/** An agent's relevance vote. */
export const VoteSchema = z.object({
  score: z.number().min(0).max(1),
  threshold: z.number().min(0).max(1),
  acted: z.boolean(),
  source: z.enum(['script', 'children', 'forced', 'none']),
})

/** The node an agent owns, minus its children (those are agent ids). */
export const AgentNodeSchema = z.object({
  id: z.string(),
  kind: z.string(),
  name: z.string(),
  path: z.string(),
  lang: z.enum(['python', 'toml', 'markdown']).nullable(),
})

/** One agent of the tree: node, range, family, sandbox, template/script, verdicts and history. */
export const AstAgentSchema = z.object({
  id: z.string(),
  node: AgentNodeSchema,
  range: BaseRangeSchema,
  base: z.string().describe('the commit `range` is measured in: the run base, or a generated skeleton'),
  insertion: z.boolean().describe('true when the agent creates a missing block at a zero-width range'),
  parentId: z.string().nullable(),
  children: z.array(z.string()),
  sandbox: z.object({ branch: z.string(), worktree: z.string() }).nullable(),
  template: z.string().nullable(),
  block: z.string().nullable(),
  script: z.string().nullable(),
  status: AgentStateSchema,
  attempts: z.array(AttemptSchema),
  votes: VoteSchema.nullable(),
  validations: z.array(ValidationRecordSchema),
  tokens: TokenCountSchema,
  timings: z.object({
    startedAt: z.string().optional(),
    finishedAt: z.string().optional(),
    durationMs: z.number().min(0).optional(),
  }),
  head: z.string().nullable().describe('the validated commit (leaf) or merge commit (parent)'),
  error: RecordedErrorSchema.nullable(),
})

/** Final or in-progress status of a run. */
export const RunRecordStatusSchema = z.enum(['running', 'ok', 'partial', 'failed', 'interrupted'])

/** The machine-readable record of one run, stored as `run.json` on `refs/momentum/runs/<runId>`. */
export const RunRecordSchema = z.object({
  version: z.literal(1),
  runId: z.string().regex(/^\d{8}-\d{4}-[0-9a-f]{4}$/),
  intent: z.string(),
  scope: z.array(z.string()),
  base: z.string(),
  dirty: z.boolean(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  status: RunRecordStatusSchema,
  hint: z.string().nullable(),
  configDigest: z.string(),
  threshold: z.number().min(0).max(1),
  model: z.string(),
  tokens: TokenCountSchema,
  generate: z
    .object({ path: z.string(), template: z.string(), vars: z.record(z.string(), z.string()) })
    .nullable(),
  resultBranch: z.string().nullable(),
  resultCommit: z.string().nullable(),
  rootId: z.string(),
  resumes: z.number().int().min(0).describe('how many times the run was resumed'),
  agents: z.array(AstAgentSchema),
})

/** The dry-run answer: the tree with every agent's vote, and nothing created. */
export const PlanSchema = z.object({
  intent: z.string(),
  scope: z.array(z.string()),
  base: z.string(),
  dirty: z.boolean(),
  threshold: z.number().min(0).max(1),
  rootId: z.string(),
  agents: z.array(AstAgentSchema),
})

/** One agent as recorded. */
export type AstAgent = z.infer<typeof AstAgentSchema>
/** The run record. */
export type RunRecord = z.infer<typeof RunRecordSchema>
/** A dry-run plan. */
export type Plan = z.infer<typeof PlanSchema>
/** One attempt. */
export type Attempt = z.infer<typeof AttemptSchema>
/** A relevance vote. */
export type Vote = z.infer<typeof VoteSchema>
/** A validator verdict as recorded. */
export type ValidationRecord = z.infer<typeof ValidationRecordSchema>
