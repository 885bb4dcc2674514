import { planRun } from '../agents/index.js'
import { PlanSchema } from '../agents/schema.js'
import { makeStyler } from './ansi.js'
import { openContext, providerFor } from './context.js'
import type { CommandResult, GlobalOptions } from './output.js'
import { renderPlan } from './render-record.js'
import { checkIntent, scopeArg } from './run.js'

/** `--json` shape of `git momentum plan`: the plan itself (agents with votes; nothing created). */
export const PlanJsonSchema = PlanSchema

/** `git momentum plan "<intent>" [paths..]`: the agent tree with scores and act/pass; creates no branches. */
export async function planCommand(
  argv: Record<string, unknown>,
  opts: GlobalOptions,
): Promise<CommandResult> {
  const intent = checkIntent(argv.intent)
  const scope = scopeArg(argv.paths)
  const ctx = await openContext(opts.cwd, { needCommits: true })
  const plan = await planRun({
    cwd: opts.cwd,
    intent,
    scope,
    config: ctx.config,
    provider: providerFor(ctx, process.env),
  })
  return { exitCode: 0, json: plan, human: renderPlan(plan, makeStyler(opts.color)) }
}
