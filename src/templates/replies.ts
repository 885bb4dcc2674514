import { z } from 'zod'

// Replies the built-in scripts ask for with ask_model(prompt, reply_kind). The host validates the
// model's JSON against the schema named here before the script sees it, so a script never has to
// trust free text. Exact edits (dependencies, pytest keys) are plans applied through the TOML
// externals; only Python and Markdown nodes take whole new text from the model.

const pep508ish = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9]/, 'a PEP 508 requirement such as "requests>=2"')
const tomlValue = z.json()

/** Every reply kind and its schema (kind -> zod schema); docs/scripts.md shows each shape. */
export const REPLY_SCHEMAS = {
  /** A model-assisted relevance vote (Python nodes, when the template asks for it). */
  vote: z.object({ relevance: z.number().min(0).max(1), reason: z.string().default('') }).strict(),
  /** The complete new source of a Python node. */
  code: z.object({ code: z.string().min(1) }).strict(),
  /** The complete new text of a Markdown section. */
  markdown: z.object({ markdown: z.string().min(1) }).strict(),
  /** [project] changes: requirement strings to add, optionally per extra. */
  dependencies: z
    .object({
      dependencies_add: z.array(pep508ish).default([]),
      optional_add: z
        .record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/), z.array(pep508ish))
        .default({}),
    })
    .strict(),
  /** [tool.pytest.ini_options] and [tool.coverage.*] changes. */
  tests_config: z
    .object({
      pytest_addopts: z
        .array(z.string().min(1).regex(/^-/, 'a command-line option starting with -'))
        .default([]),
      testpaths: z.array(z.string().min(1)).default([]),
      coverage_fail_under: z.number().min(0).max(100).nullable().default(null),
      coverage_source: z.array(z.string().min(1)).default([]),
    })
    .strict(),
  /** [project.scripts] entries: console command -> "module:function". */
  scripts: z
    .object({
      scripts_set: z.record(
        z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/),
        z.string().regex(/^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$/, 'an entry point "package.module:function"'),
      ),
    })
    .strict(),
  /** Generic TOML plan for a table: set keys and append array items, by key path relative to the table. */
  toml_plan: z
    .object({
      set: z.record(z.string().min(1), tomlValue).default({}),
      append: z.record(z.string().min(1), z.array(tomlValue)).default({}),
    })
    .strict(),
} as const

/** A reply kind a script may pass to ask_model. */
export type ReplyKind = keyof typeof REPLY_SCHEMAS

/** The validated reply of a kind. */
export type Reply<K extends ReplyKind> = z.output<(typeof REPLY_SCHEMAS)[K]>

/** Whether a string names a reply kind. */
export function isReplyKind(kind: string): kind is ReplyKind {
  return Object.hasOwn(REPLY_SCHEMAS, kind)
}

/** The JSON Schema of a reply kind, for prompts ("answer with JSON matching ...") and docs. */
export function replyJsonSchema(kind: ReplyKind): unknown {
  return z.toJSONSchema(REPLY_SCHEMAS[kind], { io: 'input' })
}

/** One line the host appends to a prompt so the model knows the exact JSON shape expected. */
export function replyInstruction(kind: ReplyKind): string {
  let line = instructions.get(kind)
  if (line === undefined) {
    line = `Answer with one JSON object only, no prose, matching this JSON Schema: ${JSON.stringify(replyJsonSchema(kind))}`
    instructions.set(kind, line)
  }
  return line
}

// The schemas are constants, and converting one costs about a quarter of a millisecond: per kind, once.
const instructions = new Map<ReplyKind, string>()
