import { z } from 'zod'

/** How agents reach a model: a live OpenAI-compatible endpoint, or a cassette (record / replay). */
export const ModelConfigSchema = z
  .object({
    provider: z
      .enum(['openai', 'replay', 'record'])
      .default('openai')
      .describe(
        'openai: live HTTP; replay: answer from a cassette, no network; record: live, and save a cassette',
      ),
    base_url: z
      .string()
      .url()
      .optional()
      .describe('OpenAI-compatible base URL (falls back to OPENAI_BASE_URL, then the OpenAI default)'),
    model: z.string().min(1).optional().describe('Model name (falls back to OPENAI_MODEL, then gpt-4o-mini)'),
    api_key_env: z
      .string()
      .min(1)
      .default('OPENAI_API_KEY')
      .describe('Environment variable holding the API key'),
    timeout_ms: z.number().int().positive().default(60_000).describe('Per-request timeout in milliseconds'),
    max_retries: z
      .number()
      .int()
      .min(0)
      .max(10)
      .default(4)
      .describe('Retries on 429, 5xx, timeouts and dropped connections'),
    concurrency: z.number().int().positive().default(8).describe('Most model requests in flight at once'),
    temperature: z.number().min(0).max(2).default(0).describe('Sampling temperature'),
    max_tokens: z
      .number()
      .int()
      .positive()
      .default(4096)
      .describe('Upper bound on completion tokens per request'),
    cassette: z.string().optional().describe('Cassette file for replay/record, relative to the repo root'),
  })
  .strict()

/** Knobs for how a run walks the agent tree. */
export const RunConfigSchema = z
  .object({
    relevance_threshold: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe('Children scoring at or above this act'),
    concurrency: z.number().int().positive().default(8).describe('Most agents working at once'),
    max_attempts: z.number().int().positive().max(10).default(3).describe('Self-healing attempts per agent'),
    parent_retry: z.boolean().default(true).describe('Let a parent reset a failed child and retry once'),
    max_file_bytes: z
      .number()
      .int()
      .positive()
      .default(2_000_000)
      .describe('Files larger than this are refused'),
  })
  .strict()

/** One configured validation command, run at directory or repo level. */
export const CommandValidatorSchema = z
  .object({
    name: z.string().min(1).describe('Shown in logs and trailers'),
    run: z.array(z.string().min(1)).min(1).describe('argv; never run through a shell'),
    level: z.enum(['directory', 'repo']).default('repo').describe('Agent level that runs it'),
    paths: z
      .array(z.string())
      .default([])
      .describe('Extra paths the command needs checked out in the sandbox'),
    timeout_ms: z.number().int().positive().default(120_000),
  })
  .strict()

/** Validation settings. */
export const ValidateConfigSchema = z
  .object({
    ruff: z.boolean().default(true).describe('Ruff (wasm) on Python nodes and files'),
    ruff_select: z.array(z.string()).default(['E', 'F']).describe('Ruff rule selectors'),
    pyright: z.boolean().default(true).describe('Pyright on whole Python files'),
    sandbox: z
      .enum(['auto', 'bwrap', 'none'])
      .default('auto')
      .describe('auto: use bubblewrap when present, warn otherwise; bwrap: require it; none: never'),
    commands: z.array(CommandValidatorSchema).default([]),
  })
  .strict()

/** The whole of `.momentum/config.toml`. */
export const ConfigSchema = z
  .object({
    model: ModelConfigSchema.default(ModelConfigSchema.parse({})),
    run: RunConfigSchema.default(RunConfigSchema.parse({})),
    validate: ValidateConfigSchema.default(ValidateConfigSchema.parse({})),
  })
  .strict()

/** Parsed, defaulted configuration. */
export type Config = z.infer<typeof ConfigSchema>
/** Model section of the configuration. */
export type ModelConfig = z.infer<typeof ModelConfigSchema>
/** Run section of the configuration. */
export type RunConfig = z.infer<typeof RunConfigSchema>
/** Validate section of the configuration. */
export type ValidateConfig = z.infer<typeof ValidateConfigSchema>
/** One configured validation command. */
export type CommandValidator = z.infer<typeof CommandValidatorSchema>

/** The configuration used when a repo has no `.momentum/config.toml`. */
export function defaultConfig(): Config {
  return ConfigSchema.parse({})
}
