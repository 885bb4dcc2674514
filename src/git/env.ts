/**
 * The environment and `-c` settings every git process gets. Ambient GIT_* variables are dropped
 * (simple-git's environment guard would strip them anyway) so a stray GIT_DIR or GIT_INDEX_FILE in
 * the caller's shell can never point our plumbing at the user's index.
 */

/** Variables we set ourselves or deliberately pass through; simple-git must be told they are allowed. */
export const ALLOWED_ENV = [
  'GIT_PAGER',
  'GIT_TERMINAL_PROMPT',
  'GIT_OPTIONAL_LOCKS',
  'GIT_CONFIG_NOSYSTEM',
  'GIT_AUTHOR_NAME',
  'GIT_AUTHOR_EMAIL',
  'GIT_AUTHOR_DATE',
  'GIT_COMMITTER_NAME',
  'GIT_COMMITTER_EMAIL',
  'GIT_COMMITTER_DATE',
] as const

const PASS_THROUGH = new Set<string>(ALLOWED_ENV.filter((k) => k !== 'GIT_PAGER'))
const DROPPED = new Set(['pager', 'editor', 'visual', 'prefix', 'ssh_askpass'])

/** The child environment: the caller's, minus git-controlling variables, plus our fixed settings. */
export function gitEnv(base: NodeJS.ProcessEnv, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(base)) {
    if (value === undefined) continue
    const lower = key.toLowerCase()
    if ((lower.startsWith('git_') && !PASS_THROUGH.has(key)) || DROPPED.has(lower)) continue
    env[key] = value
  }
  return {
    ...env,
    LC_ALL: 'C',
    LANG: 'C',
    GIT_PAGER: 'cat',
    GIT_TERMINAL_PROMPT: '0',
    // Read-only commands must not take index.lock opportunistically in the user's repo.
    GIT_OPTIONAL_LOCKS: '0',
    ...extra,
  }
}

/** `-c` settings for every command; hooks are off unless a caller explicitly wants them. */
export function gitConfig(hooks: boolean): string[] {
  const config = [
    'core.fsmonitor=false',
    'core.quotePath=false',
    'gc.auto=0',
    'maintenance.auto=false',
    'advice.detachedHead=false',
  ]
  if (!hooks) config.push('core.hooksPath=/dev/null')
  return config
}
