import { ERROR_CODES, type ErrorCode, RUN_EXIT } from '../errors/index.js'

/** One sentence per error code (a unit test insists every code in the table has one). */
export const CODE_MEANING: Partial<Record<ErrorCode, string>> = {
  INTERNAL: 'A bug in git-momentum (rerun with --debug and report it).',
  USAGE: 'Unknown command, option or missing argument.',
  PATH_OUTSIDE_REPO: 'A path points outside the repository.',
  PATH_MISSING: 'A path does not exist.',
  UNSUPPORTED_LANGUAGE: 'No language profile handles this file type.',
  BINARY_FILE: 'The file is binary and is never parsed.',
  FILE_TOO_LARGE: 'The file exceeds `run.max_file_bytes`.',
  PATHS_MATCH_NOTHING: 'The given paths contain no supported files.',
  PATCH_OVERLAP: 'Two agents produced overlapping patches.',
  PATCH_OUT_OF_BOUNDS: 'A patch lies outside its file.',
  QUERY_INVALID: 'A tree-sitter query file (`.scm`) does not compile.',
  NOT_A_REPO: 'Not inside a git repository.',
  BARE_REPO: 'The repository is bare (no working tree).',
  NO_COMMITS: 'The repository has no commits yet.',
  DETACHED_HEAD: 'HEAD is detached where a branch is needed.',
  BRANCH_EXISTS: 'A branch git-momentum wants to create already exists.',
  SUBMODULE_PATH: 'A path lies inside a submodule.',
  SYMLINK_OUTSIDE: 'A symlink points outside the repository.',
  GIT_TOO_OLD: 'The installed git is older than the minimum supported.',
  GIT_FAILED: 'A git command failed unexpectedly.',
  BAD_REF_NAME: 'A generated ref name was rejected by git.',
  RANGE_VIOLATION: 'An agent changed bytes outside its own node.',
  CONFIG_INVALID: '`.momentum/config.toml` is not valid.',
  TEMPLATE_INVALID: 'A template is malformed.',
  TEMPLATE_NOT_FOUND: 'No template has that name.',
  SCRIPT_CHECK_FAILED: 'A `.pym` script failed its checks.',
  SCRIPT_NOT_FOUND: 'A template refers to a missing `.pym` script.',
  SCRIPT_PARSE: 'A `.pym` script has a syntax error.',
  SCRIPT_INPUT: 'A `.pym` script was given a bad input.',
  SCRIPT_EXTERNAL: 'A `.pym` external was called wrongly or failed.',
  SCRIPT_EXECUTION: 'A `.pym` script raised an error.',
  SCRIPT_LIMIT: 'A `.pym` script hit its time, memory or recursion limit.',
  SCRIPT_OUTPUT: 'A `.pym` script returned a value of the wrong shape.',
  TOML_EDIT_FAILED: 'A structural TOML edit could not be applied.',
  MODEL_UNREACHABLE: 'The model endpoint could not be reached.',
  MODEL_AUTH: 'The model endpoint refused the API key (401/403).',
  MODEL_REPLY_INVALID: 'The model reply did not match the expected JSON.',
  MODEL_FAILED: 'The model request failed after all retries.',
  CASSETTE_MISS: 'Replay mode found no recorded reply for a request.',
  CASSETTE_INVALID: 'The cassette file is malformed.',
  VALIDATOR_UNAVAILABLE: 'A required validator (e.g. bubblewrap) is not installed.',
  UNKNOWN_RUN: 'No run has that id.',
  UNKNOWN_AGENT: 'The run has no agent with that id.',
  EMPTY_INTENT: 'The intent is empty.',
  LAND_CONFLICT: 'The current branch moved in a way that conflicts with the result.',
  DIRTY_TREE: 'Uncommitted changes in files the result touches.',
  PR_NO_TOKEN: 'Neither GITHUB_TOKEN nor GH_TOKEN is set.',
  PUSH_REJECTED: 'The remote rejected the push.',
  PR_API_FAILED: 'The GitHub API refused to open the pull request.',
  RUN_STATE_INVALID: 'A run record in git is unreadable.',
  RUN_NOT_RESUMABLE: 'The run already finished or cannot be resumed.',
  ALREADY_EXISTS: 'The file or folder already exists and is never overwritten.',
  NO_RESULT: 'The run has no result commit to land or publish.',
  INTERRUPTED: 'Interrupted (Ctrl-C); the run can be resumed.',
}

/** What each run-outcome exit code means. */
export const RUN_EXIT_MEANING: Record<keyof typeof RUN_EXIT, string> = {
  ok: 'Success; for `run`, a fully validated result.',
  partial: 'The run finished, but some agents failed; only the others were merged.',
  failed: 'The run produced no validated result.',
}

/** Renders docs/exit-codes.md from the code table, so the document cannot drift. */
export function renderExitCodesDoc(): string {
  const lines = [
    '# Exit codes',
    '',
    '<!-- Generated from src/errors/codes.ts by src/cli/exit-codes-doc.ts; a test checks it matches. -->',
    '',
    'Every error prints one line and a hint on stderr and exits with the code of its kind.',
    '`--debug` adds a stack trace for internal errors.',
    '',
    '## Run outcomes',
    '',
    '| exit | outcome | meaning |',
    '| --- | --- | --- |',
  ]
  for (const [name, exit] of Object.entries(RUN_EXIT)) {
    lines.push(`| ${exit} | \`${name}\` | ${RUN_EXIT_MEANING[name as keyof typeof RUN_EXIT]} |`)
  }
  lines.push('', '## Errors', '', '| exit | code | kind | meaning |', '| --- | --- | --- | --- |')
  const rows = (Object.keys(ERROR_CODES) as ErrorCode[]).sort(
    (a, b) => ERROR_CODES[a].exit - ERROR_CODES[b].exit,
  )
  for (const code of rows) {
    const { exit, kind } = ERROR_CODES[code]
    lines.push(
      `| ${exit} | \`${code}\` | ${kind} | ${CODE_MEANING[code] ?? `See the \`${code}\` error's hint.`} |`,
    )
  }
  return `${lines.join('\n')}\n`
}
