import type { CommandResult, GlobalOptions } from './output.js'

/** `git momentum nodes <paths..>`: placeholder until the syntax layer lands (issue 2). */
export async function nodesCommand(
  _argv: Record<string, unknown>,
  _opts: GlobalOptions,
): Promise<CommandResult> {
  throw new Error('nodes: not implemented yet')
}
