import { loadConfig } from '../config/load.js'
import type { Config } from '../config/schema.js'
import { fail, toMomentumError } from '../errors/index.js'
import { Git } from '../git/git.js'
import { createProvider } from '../model/create-provider.js'
import { TokenLedger, withLedger } from '../model/ledger.js'
import type { ModelProvider } from '../model/types.js'
import { loadAllTemplates } from '../templates/load.js'
import { flatten } from './agent-tree.js'
import { buildRunTree, skeletonCommitter } from './build-tree.js'
import { FileCache, type RunContext } from './context.js'
import { execute } from './execute.js'
import { digest, finalStatus, hintFor, resumeHint, tokenApplier } from './outcome.js'
import { RecordStore, readRunRecord } from './record-store.js'
import { carryHistory, priorVotes, reusableCommits } from './resume-state.js'
import { newRunId } from './run-id.js'
import { RunLog } from './run-log.js'
import { Scheduler } from './scheduler.js'
import type { RunRecord } from './schema.js'
import type { GenerateRequest, RunEvent, RunOptions, RunOutcome, RunStatus } from './types.js'
import { runVotes } from './vote.js'

// Record saves wait this long to absorb bursts of transitions into one commit.
const RECORD_COALESCE_MS = 100

/** What a run (new or resumed) is set up from. */
interface Setup {
  git: Git
  config: Config
  provider: ModelProvider
  intent: string
  scope: string[]
  base: string
  /** Whether the user's checkout has changes; a status scan, so it may still be running. */
  dirty: Promise<boolean>
  generate: GenerateRequest | null
  signal?: AbortSignal
  onEvent: (e: RunEvent) => void
}

/** Starts a run: votes, concurrent work in sandboxes, healing, upward merges, the result branch and the record. */
export async function startRun(opts: RunOptions): Promise<RunOutcome> {
  const intent = checkIntent(opts.intent, opts.generate)
  const git = await Git.open(opts.cwd)
  // Independent reads, so they wait on each other's git processes only through the limiter.
  // The status scan is the slowest of these and only the record needs it, so it runs on beside
  // template loading and the skeleton commit (drive waits for it however the run ends).
  const dirty = git.state().then((s) => s.dirty)
  const [config, base] = await Promise.all([opts.config ?? loadConfig(git.root), git.headCommit()]).catch(
    async (err: unknown) => {
      await dirty.catch(() => undefined)
      throw err
    },
  )
  const provider = opts.provider ?? createProvider(config.model, { repoRoot: git.root, env: process.env })
  const setup: Setup = {
    git,
    config,
    provider,
    intent,
    scope: opts.scope,
    base,
    dirty,
    generate: opts.generate ?? null,
    ...(opts.signal ? { signal: opts.signal } : {}),
    onEvent: opts.onEvent ?? (() => {}),
  }
  return drive(setup, newRunId(), null)
}

/** Finishes an interrupted run: every agent whose validated commit exists is reused, the rest run. */
export async function resumeRun(opts: {
  cwd: string
  runId: string
  config?: Config
  provider?: ModelProvider
  signal?: AbortSignal
  onEvent?: (e: RunEvent) => void
}): Promise<RunOutcome> {
  const git = await Git.open(opts.cwd)
  const prior = await readRunRecord(git, opts.runId)
  if (prior.status !== 'running' && prior.status !== 'interrupted') {
    throw fail(
      'RUN_NOT_RESUMABLE',
      `run ${opts.runId} already finished (${prior.status})`,
      prior.resultBranch ? `Its result is on ${prior.resultBranch}.` : 'Start a new run instead.',
      { runId: opts.runId, status: prior.status },
    )
  }
  const config = opts.config ?? (await loadConfig(git.root))
  const provider = opts.provider ?? createProvider(config.model, { repoRoot: git.root, env: process.env })
  const setup: Setup = {
    git,
    config,
    provider,
    intent: prior.intent,
    scope: prior.scope,
    base: prior.base,
    dirty: Promise.resolve(prior.dirty),
    generate: prior.generate,
    ...(opts.signal ? { signal: opts.signal } : {}),
    onEvent: opts.onEvent ?? (() => {}),
  }
  return drive(setup, prior.runId, prior)
}

async function drive(setup: Setup, runId: string, prior: RunRecord | null): Promise<RunOutcome> {
  const ledger = new TokenLedger()
  // Once the first request is out, the object store makes room for the commits that follow the
  // replies. The run waits for that before it returns, so nothing of it outlives the run.
  const background = onFirstChat(withLedger(setup.provider, ledger), () => setup.git.prepareObjectWrites())
  try {
    return await driveWith(setup, runId, prior, ledger, background.provider)
  } finally {
    await Promise.all([background.settled(), setup.dirty.catch(() => undefined)])
  }
}

async function driveWith(
  setup: Setup,
  runId: string,
  prior: RunRecord | null,
  ledger: TokenLedger,
  provider: ModelProvider,
): Promise<RunOutcome> {
  const { git, config } = setup
  const templates = await loadAllTemplates({ repoRoot: git.root })
  const files = new FileCache(git)
  const resumes = prior ? prior.resumes + 1 : 0
  const suffix = resumes > 0 ? `@r${resumes}` : ''
  const priorSkeleton = prior?.generate
    ? (prior.agents.find((a) => a.node.kind === 'file')?.attempts.find((t) => t.commit)?.commit ?? null)
    : null
  const root = await buildRunTree({
    git,
    repoRoot: git.root,
    base: setup.base,
    scope: setup.scope,
    templates,
    files,
    maxFileBytes: config.run.max_file_bytes,
    ...(setup.generate ? { generate: setup.generate } : {}),
    commitSkeleton: skeletonCommitter(git, runId, setup.base, (p) => `${p}@skeleton${suffix}`),
    priorSkeleton,
  })
  const agents = flatten(root)
  carryHistory(agents, prior)
  const record: RunRecord = {
    version: 1,
    runId,
    intent: setup.intent,
    scope: setup.scope,
    base: setup.base,
    dirty: await setup.dirty,
    startedAt: prior?.startedAt ?? new Date().toISOString(),
    finishedAt: null,
    status: 'running',
    hint: null,
    configDigest: digest(config),
    threshold: config.run.relevance_threshold,
    model: provider.model,
    tokens: prior?.tokens ?? { prompt: 0, completion: 0 },
    generate: setup.generate,
    resultBranch: null,
    resultCommit: null,
    rootId: root.rec.id,
    resumes,
    agents: agents.map((a) => a.rec),
  }
  const store = prior ? await RecordStore.open(git, runId) : new RecordStore(git, null)
  const warned = new Set<string>()
  const applyTokens = tokenApplier(record, ledger)
  // Every save carries the token counts so far, so even a killed run's record says what it spent.
  const log = new RunLog(
    record,
    (r) => {
      applyTokens(r)
      return store.write(r)
    },
    setup.onEvent,
    RECORD_COALESCE_MS,
  )
  const ctx: RunContext = {
    git,
    runId,
    intent: setup.intent,
    config,
    provider,
    ledger,
    scheduler: new Scheduler(config.run.concurrency, setup.signal),
    log,
    templates,
    files,
    ...(setup.signal ? { signal: setup.signal } : {}),
    sandboxes: new Map(),
    reusable: prior ? await reusableCommits(git, prior, agents) : new Map(),
    sandboxSuffix: suffix,
    warnOnce: (m) => {
      if (warned.has(m)) return
      warned.add(m)
      log.warn(m)
    },
  }
  setup.onEvent({ type: 'run-started', runId, base: setup.base, dirty: record.dirty })
  if (record.dirty && !prior) {
    ctx.warnOnce(`the run starts from HEAD ${setup.base.slice(0, 12)}, uncommitted changes are not included`)
  }
  const skeletonAgent = agents.find((a) => a.skeleton)
  if (skeletonAgent?.skeleton) {
    skeletonAgent.rec.attempts.push({
      n: 1,
      phase: 'self',
      commit: skeletonAgent.skeleton,
      reply: 'skeleton',
      validations: [],
    })
  }
  await log.flush()
  let status: RunStatus
  let resultCommit: string | null = null
  try {
    await runVotes(
      {
        intent: setup.intent,
        provider,
        files,
        log,
        threshold: config.run.relevance_threshold,
        prior: priorVotes(prior),
        ...(setup.signal ? { signal: setup.signal } : {}),
      },
      root,
    )
    log.save()
    const outcome = await execute(ctx, root)
    if (setup.signal?.aborted) throw fail('INTERRUPTED', 'the run was interrupted', resumeHint(runId))
    resultCommit = outcome.ok && outcome.work ? outcome.work.head : null
    status = finalStatus(agents, resultCommit)
    record.hint = hintFor(status, agents, runId)
  } catch (err) {
    const e = toMomentumError(err)
    if (e.code !== 'INTERRUPTED' && !setup.signal?.aborted) {
      record.status = 'failed'
      record.hint = `${e.code}: ${e.message}`
      finish(record, applyTokens)
      await log.flush().catch(() => undefined)
      throw e
    }
    status = 'interrupted'
    record.hint = resumeHint(runId)
  }
  if (resultCommit) {
    const branch = `momentum/${runId}/result`
    const ref = `refs/heads/${branch}`
    const old = await git.resolve(ref)
    await git.updateRefs([
      old ? { op: 'update', ref, oid: resultCommit, old } : { op: 'create', ref, oid: resultCommit },
    ])
    record.resultBranch = branch
    record.resultCommit = resultCommit
  }
  record.status = status
  finish(record, applyTokens)
  await log.flush()
  const outcome: RunOutcome = {
    runId,
    status,
    resultBranch: record.resultBranch,
    resultCommit: record.resultCommit,
    record: structuredClone(record),
  }
  setup.onEvent({ type: 'run-finished', outcome })
  return outcome
}

/** The provider, running `task` in the background once its first request has been sent. */
function onFirstChat(
  inner: ModelProvider,
  task: () => Promise<void>,
): { provider: ModelProvider; settled: () => Promise<void> } {
  let running: Promise<void> | null = null
  const provider: ModelProvider = {
    get model(): string {
      return inner.model
    },
    chat(req) {
      const reply = inner.chat(req)
      // After this turn, so the other agents' requests go out first; failures only cost speed.
      running ??= new Promise<void>((resolve) => setImmediate(resolve)).then(task).catch(() => undefined)
      return reply
    },
  }
  return { provider, settled: () => running ?? Promise.resolve() }
}

function checkIntent(intent: string, generate: GenerateRequest | undefined): string {
  const trimmed = intent.trim()
  if (trimmed !== '') return trimmed
  if (generate) return `generate ${generate.path} from the ${generate.template} template`
  throw fail(
    'EMPTY_INTENT',
    'the intent is empty',
    'Say what should change, e.g. git momentum run "add a dependency for requests".',
  )
}

function finish(record: RunRecord, applyTokens: (r: RunRecord) => void): void {
  record.finishedAt =
    record.status === 'interrupted' || record.status === 'running' ? null : new Date().toISOString()
  applyTokens(record)
}
