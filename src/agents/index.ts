// Public surface of the agent tree: plan, run, resume, and the run record kept in git.
export { type Agent, buildAgentTree, flatten } from './agent-tree.js'
export { broadcast, type VoteNode, type Voter } from './broadcast.js'
export { finalStatus } from './outcome.js'
export { planRun } from './plan.js'
export {
  listRunRecords,
  RECORD_FILE,
  RecordStore,
  RUN_REF_PREFIX,
  readRunRecord,
  runRef,
} from './record-store.js'
export { resumeRun, startRun } from './run.js'
export { isRunId, newRunId } from './run-id.js'
export { RunLog } from './run-log.js'
export { Scheduler } from './scheduler.js'
export {
  AgentStateSchema,
  type AstAgent,
  AstAgentSchema,
  type Attempt,
  type Plan,
  PlanSchema,
  type RunRecord,
  RunRecordSchema,
  type ValidationRecord,
  type Vote,
} from './schema.js'
export type {
  AgentState,
  GenerateRequest,
  ResumeOptions,
  RunEvent,
  RunOptions,
  RunOutcome,
  RunStatus,
} from './types.js'
