import { execFileSync } from 'node:child_process'
import { type Config, ConfigSchema } from '../../../src/config/schema.js'
import type { ServerMessage, ServerReply, ServerRequest } from '../../support/model-server.js'
import type { TempRepo } from '../../support/repo.js'

/** A config pointing at the local test server, with fast retries. */
export function testConfig(
  url: string,
  overrides: {
    run?: Record<string, unknown>
    validate?: Record<string, unknown>
    model?: Record<string, unknown>
  } = {},
): Config {
  return ConfigSchema.parse({
    model: {
      base_url: url,
      model: 'test-model',
      max_retries: 2,
      timeout_ms: 10_000,
      concurrency: 16,
      ...overrides.model,
    },
    run: { concurrency: 8, max_attempts: 2, ...overrides.run },
    validate: { pyright: false, sandbox: 'none', ...overrides.validate },
  })
}

/** The reply kind the host asked for (it is named in the system message). */
export function replyKind(req: ServerRequest): string {
  const system = req.messages.find((m: ServerMessage) => m.role === 'system')?.content ?? ''
  return /Reply kind: ([a-z_]+)/.exec(system)?.[1] ?? ''
}

/** The whole user-side text of a request. */
export function userText(req: ServerRequest): string {
  return req.messages
    .filter((m) => m.role === 'user')
    .map((m) => m.content)
    .join('\n')
}

/** A JSON completion. */
export function json(value: unknown): ServerReply {
  return { content: JSON.stringify(value) }
}

/** Everything about the user's checkout that a run must never touch. */
export function snapshotUserState(repo: TempRepo): string {
  const refs = repo
    .git('for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads', 'refs/tags', 'refs/stash')
    .split('\n')
    .filter((l) => !l.startsWith('refs/heads/momentum/'))
    .join('\n')
  return [
    repo.git('rev-parse', 'HEAD'),
    repo.git('symbolic-ref', '-q', 'HEAD'),
    repo.git('status', '--porcelain=v1', '-uall'),
    repo.git('ls-files', '-s'),
    repo.git('diff'),
    refs,
  ].join('\n--\n')
}

/** Runs python3 and returns stdout (the integration tier may spawn real binaries). */
export function python(code: string, input: string): string {
  return execFileSync('python3', ['-c', code], { input, encoding: 'utf8' })
}

/** Which node a request is about: the built-in scripts name it in backticks. */
export function methodOf(text: string): string {
  return /`(\w+)`/.exec(text)?.[1] ?? ''
}
