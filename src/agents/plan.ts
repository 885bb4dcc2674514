import { loadConfig } from '../config/load.js'
import { fail, toMomentumError } from '../errors/index.js'
import { Git } from '../git/git.js'
import { createProvider } from '../model/create-provider.js'
import type { ModelProvider } from '../model/types.js'
import { loadAllTemplates } from '../templates/load.js'
import { flatten } from './agent-tree.js'
import { buildRunTree } from './build-tree.js'
import { FileCache } from './context.js'
import { RunLog } from './run-log.js'
import type { Plan, RunRecord } from './schema.js'
import type { RunOptions } from './types.js'
import { runVotes } from './vote.js'

/**
 * The dry run: builds the agent tree from HEAD and broadcasts the intent, so every agent has its
 * score and act/pass verdict. It creates no branch, ref, worktree or object.
 */
export async function planRun(opts: RunOptions): Promise<Plan> {
  const intent =
    opts.intent.trim() ||
    (opts.generate ? `generate ${opts.generate.path} from the ${opts.generate.template} template` : '')
  if (intent === '') {
    throw fail(
      'EMPTY_INTENT',
      'the intent is empty',
      'Say what should change, e.g. git momentum plan "add a dependency for requests".',
    )
  }
  const git = await Git.open(opts.cwd)
  const config = opts.config ?? (await loadConfig(git.root))
  const base = await git.headCommit()
  const { dirty } = await git.state()
  const templates = await loadAllTemplates({ repoRoot: git.root })
  const files = new FileCache(git)
  const root = await buildRunTree({
    git,
    repoRoot: git.root,
    base,
    scope: opts.scope,
    templates,
    files,
    maxFileBytes: config.run.max_file_bytes,
    ...(opts.generate ? { generate: opts.generate } : {}),
    commitSkeleton: null,
  })
  const agents = flatten(root)
  const provider =
    opts.provider ??
    lazyProvider(() => createProvider(config.model, { repoRoot: git.root, env: process.env }))
  const shell: RunRecord = {
    version: 1,
    runId: '00000000-0000-0000',
    intent,
    scope: opts.scope,
    base,
    dirty,
    startedAt: new Date().toISOString(),
    finishedAt: null,
    status: 'running',
    hint: null,
    configDigest: '',
    threshold: config.run.relevance_threshold,
    model: '',
    tokens: { prompt: 0, completion: 0 },
    generate: opts.generate ?? null,
    resultBranch: null,
    resultCommit: null,
    rootId: root.rec.id,
    resumes: 0,
    agents: agents.map((a) => a.rec),
  }
  const log = new RunLog(shell, async () => {}, opts.onEvent)
  if (dirty) log.warn(`the plan reads HEAD ${base.slice(0, 12)}; uncommitted changes are not included`)
  await runVotes(
    {
      intent,
      provider,
      files,
      log,
      threshold: config.run.relevance_threshold,
      ...(opts.signal ? { signal: opts.signal } : {}),
    },
    root,
  )
  return {
    intent,
    scope: opts.scope,
    base,
    dirty,
    threshold: config.run.relevance_threshold,
    rootId: root.rec.id,
    agents: structuredClone(agents.map((a) => a.rec)),
  }
}

/** Builds the provider only if a vote actually asks the model (most plans never do). */
function lazyProvider(make: () => ModelProvider): ModelProvider {
  let made: ModelProvider | null = null
  let error: unknown = null
  const get = (): ModelProvider => {
    if (made) return made
    if (error) throw error
    try {
      made = make()
      return made
    } catch (err) {
      error = toMomentumError(err)
      throw error
    }
  }
  return {
    get model(): string {
      try {
        return get().model
      } catch {
        return 'unavailable'
      }
    },
    chat: (req) => get().chat(req),
  }
}
