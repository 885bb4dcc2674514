import type { Config } from '../config/schema.js'
import type { Git } from '../git/git.js'
import type { TokenLedger } from '../model/ledger.js'
import type { ModelProvider } from '../model/types.js'
import type { Sandbox } from '../sandbox/types.js'
import type { LoadedTemplate } from '../templates/load.js'
import type { Agent } from './agent-tree.js'
import type { RunLog } from './run-log.js'
import type { Scheduler } from './scheduler.js'

/** Everything one run shares between its agents. Built once by startRun/resumeRun. */
export interface RunContext {
  git: Git
  runId: string
  intent: string
  config: Config
  /** The provider, already wrapped so every reply is counted in `ledger`. */
  provider: ModelProvider
  ledger: TokenLedger
  scheduler: Scheduler
  log: RunLog
  templates: readonly LoadedTemplate[]
  files: FileCache
  signal?: AbortSignal
  /** Sandboxes by agent id, as promises so concurrent users share one creation (one per agent). */
  sandboxes: Map<string, Promise<Sandbox>>
  /** Commits from a previous try of this run (resume), by agent id, that may be reused. */
  reusable: Map<string, string>
  /** Appended to sandbox names on resume, so a resumed try never collides with the first. */
  sandboxSuffix: string
  /** Warns once per distinct message. */
  warnOnce: (message: string) => void
}

/** Blob bytes by commit and path, read once per run. */
export class FileCache {
  private readonly cache = new Map<string, Promise<Buffer>>()

  /** Reads through `git`. */
  constructor(private readonly git: Git) {}

  /** The bytes of `path` in `commit`. */
  read(commit: string, path: string): Promise<Buffer> {
    const key = `${commit}:${path}`
    let hit = this.cache.get(key)
    if (!hit) {
      hit = this.git.readBlob(commit, path)
      // A failed read must not poison the cache for a retry.
      hit.catch(() => this.cache.delete(key))
      this.cache.set(key, hit)
    }
    return hit
  }
}

/** The sandbox name of an agent; a resumed run gets fresh names so old branches stay as history. */
export function sandboxId(ctx: RunContext, agent: Agent, suffix = ''): string {
  return `${agent.rec.id}${suffix}${ctx.sandboxSuffix}`
}
