import { z } from 'zod'
import { NODE_KINDS } from '../syntax/types.js'

/** Node kinds a selector may name; 'region' is a part of a node (docstring, imports) handled by its parent. */
export const SELECT_KINDS = [...NODE_KINDS, 'region'] as const

/** A node kind or 'region'. */
export type SelectKind = (typeof SELECT_KINDS)[number]

/** Validator names a template may list; the validation layer implements each. */
export const KNOWN_VALIDATORS = [
  'toml',
  'pyproject-schema',
  'pep508',
  'ruff',
  'pyright',
  'markdown',
  'commands',
] as const

/** Limit presets a template may choose for its scripts (see docs/grail.md). */
export const LIMIT_PRESET_NAMES = ['strict', 'default', 'permissive'] as const

const oneOrMany = <T extends z.ZodType>(t: T, what: string) =>
  z
    .union([t, z.array(t).min(1)], { error: `expected ${what}, or a non-empty list of them` })
    .transform((v): z.output<T>[] => (Array.isArray(v) ? v : [v]))

const KIND_LIST =
  'file, class, function, method, toml_table, toml_array_table, toml_pair, md_section or region'

const nodeKind = z.enum(NODE_KINDS)

/** How to recognise a block among a node's children: kind plus name globs (case-insensitive, `*` any run). */
export const SelectorSchema = z
  .object({
    kind: oneOrMany(z.enum(SELECT_KINDS), `a node kind (${KIND_LIST})`).describe(
      'Node kind(s) the block is made of',
    ),
    name: oneOrMany(z.string().min(1), 'a name glob')
      .optional()
      .describe('Name globs ("project", "tool.*"); may use template variables ({{ item.name }})'),
    exclude: oneOrMany(z.string().min(1), 'a name glob')
      .optional()
      .describe('Name globs that never belong to this block'),
    position: z
      .enum(['first'])
      .optional()
      .describe('Only the first child of that kind (e.g. a README title)'),
  })
  .strict()

/** COMMON.md's InsertRule: where a missing block is created. */
export const InsertRuleSchema = z.discriminatedUnion('at', [
  z.object({ at: z.literal('end-of-body') }).strict(),
  z.object({ at: z.literal('start-of-body') }).strict(),
  z.object({ at: z.literal('end-of-file') }).strict(),
  z
    .object({
      at: z.literal('after-last'),
      kind: nodeKind.optional(),
      namePattern: z.string().min(1).optional(),
    })
    .strict(),
])

const scriptName = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+$/, 'a script file name such as "toml_project.pym" (no directories)')
  .transform((s) => (s.endsWith('.pym') ? s : `${s}.pym`))

const varName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a variable name: letters, digits and _')

/** One child block of a template. */
export const BlockSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, - and _'),
    description: z.string().default(''),
    required: z.boolean().default(false).describe('A missing required block becomes a zero-width agent'),
    select: SelectorSchema,
    order: z.number().int().default(0).describe('Position among the blocks when generating'),
    insert: InsertRuleSchema.default({ at: 'end-of-body' }),
    skeleton: z.string().default('').describe('Jinja (nunjucks) text of the block when it is created'),
    script: scriptName.optional().describe('The .pym that votes and edits for this block'),
    delegate: z.boolean().default(false).describe("The block's work goes further down to its own children"),
    repeat: varName.optional().describe('A list variable: one block per item, bound as `item`'),
    vars: z.record(varName, z.json()).default({}).describe('Extra variables for this block and its script'),
    vote_with_model: z.boolean().optional().describe("Let the block's script ask the model when voting"),
    limits: z.enum(LIMIT_PRESET_NAMES).optional(),
  })
  .strict()

/** What a template applies to: a node kind, a path glob, or both. */
export const AppliesToSchema = z
  .object({
    kind: oneOrMany(nodeKind, 'a node kind').optional(),
    path: oneOrMany(z.string().min(1), 'a path glob')
      .optional()
      .describe('Repo-relative path globs, e.g. "**/pyproject.toml"'),
  })
  .strict()
  .refine((a) => a.kind !== undefined || a.path !== undefined, 'give kind, path, or both')

/** A whole `<name>.template.toml` file. */
export const TemplateSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case letters, digits, - and _'),
    description: z.string().default(''),
    applies_to: AppliesToSchema,
    validators: z.array(z.enum(KNOWN_VALIDATORS)).default([]),
    vars: z.record(varName, z.json()).default({}),
    script: scriptName.optional().describe('The .pym governing the node itself'),
    limits: z.enum(LIMIT_PRESET_NAMES).default('default'),
    vote_with_model: z.boolean().default(false),
    blocks: z.array(BlockSchema).default([]),
  })
  .strict()
  .superRefine((t, ctx) => {
    const seen = new Set<string>()
    t.blocks.forEach((b, i) => {
      if (seen.has(b.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['blocks', i, 'name'],
          message: `duplicate block name "${b.name}"`,
        })
      }
      seen.add(b.name)
      if (b.repeat !== undefined && !Array.isArray(t.vars[b.repeat]) && t.vars[b.repeat] !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['blocks', i, 'repeat'],
          message: `vars.${b.repeat} must be a list`,
        })
      }
    })
  })

/** A parsed, defaulted template (before variables are applied). */
export type Template = z.infer<typeof TemplateSchema>
/** One block of a template. */
export type BlockSpec = z.infer<typeof BlockSchema>
/** A block selector with kinds and names normalised to lists. */
export type Selector = z.infer<typeof SelectorSchema>
/** Template variables: any JSON value by name. */
export type TemplateVars = Record<string, z.core.util.JSONType>
