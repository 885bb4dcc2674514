import { z } from 'zod'
import { isValidVersion, specifierSetProblem } from './pep440.js'
import { parsePep508 } from './pep508.js'

// Only the parts of pyproject.toml that agents edit are described; every table stays loose so that
// unknown keys (other tools, future PEPs) never fail a check.

const PROJECT_NAME_RE = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i
const IDENT = String.raw`[\p{ID_Start}_][\p{ID_Continue}]*`
const DOTTED = `${IDENT}(?:\\.${IDENT})*`
const ENTRY_POINT_RE = new RegExp(`^${DOTTED}\\s*:\\s*${DOTTED}(?:\\s*\\[[^\\]]*\\])?$`, 'u')
const OBJECT_REF_RE = new RegExp(`^${DOTTED}(?::${DOTTED})?$`, 'u')

/** A PEP 508 dependency string; the message carries the parser's reason and column. */
export const Pep508String = z.string().superRefine((spec, ctx) => {
  const parsed = parsePep508(spec)
  if (!parsed.ok) {
    ctx.addIssue({
      code: 'custom',
      message: `invalid PEP 508 dependency ${JSON.stringify(spec)}: ${parsed.error} (column ${parsed.offset + 1})`,
    })
  }
})

const EntryPoints = z.record(
  z.string().min(1),
  z
    .string()
    .regex(ENTRY_POINT_RE, { message: "expected an entry point 'module:attr' (e.g. 'pkg.cli:main')" }),
)

const Project = z
  .looseObject({
    name: z.string().regex(PROJECT_NAME_RE, {
      message: 'invalid project name (letters, digits, ".", "_", "-"; must start and end alphanumeric)',
    }),
    version: z.string().refine(isValidVersion, { message: 'not a valid PEP 440 version' }).optional(),
    dynamic: z.array(z.string()).optional(),
    'requires-python': z
      .string()
      .superRefine((spec, ctx) => {
        const problem = specifierSetProblem(spec)
        if (problem !== null) ctx.addIssue({ code: 'custom', message: `invalid requires-python: ${problem}` })
      })
      .optional(),
    dependencies: z.array(Pep508String).optional(),
    'optional-dependencies': z.record(z.string(), z.array(Pep508String)).optional(),
    scripts: EntryPoints.optional(),
    'gui-scripts': EntryPoints.optional(),
    'entry-points': z.record(z.string(), EntryPoints).optional(),
  })
  .superRefine((project, ctx) => {
    // PEP 621: a version must be given statically or declared dynamic, not both, not neither.
    const dynamic = project.dynamic ?? []
    if (project.version === undefined && !dynamic.includes('version')) {
      ctx.addIssue({
        code: 'custom',
        path: ['version'],
        message: "missing: set it or list 'version' in dynamic",
      })
    }
    if (project.version !== undefined && dynamic.includes('version')) {
      ctx.addIssue({
        code: 'custom',
        path: ['dynamic'],
        message: "'version' is both set and listed in dynamic",
      })
    }
  })

const BuildSystem = z.looseObject({
  requires: z.array(Pep508String),
  'build-backend': z
    .string()
    .regex(OBJECT_REF_RE, { message: "expected an object reference 'module' or 'module:object'" })
    .optional(),
  'backend-path': z.array(z.string()).optional(),
})

const PytestIni = z.looseObject({
  addopts: z.union([z.string(), z.array(z.string())]).optional(),
  minversion: z.string().optional(),
  testpaths: z.union([z.string(), z.array(z.string())]).optional(),
})

// Every [tool.coverage.<section>] is a table; `fail_under` is a percentage wherever it appears.
const CoverageSection = z.looseObject({ fail_under: z.number().min(0).max(100).optional() })

const Tool = z.looseObject({
  pytest: z.looseObject({ ini_options: PytestIni.optional() }).optional(),
  coverage: z.record(z.string(), CoverageSection).optional(),
})

/** Schema for the parts of pyproject.toml git-momentum agents edit ([project], [build-system], tests). */
export const PyprojectSchema = z.looseObject({
  project: Project.optional(),
  'build-system': BuildSystem.optional(),
  tool: Tool.optional(),
})

/** Formats zod issues as `key.path[i]: message`, optionally only those under `scope`. */
export function formatSchemaIssues(issues: readonly z.core.$ZodIssue[], scope?: readonly string[]): string[] {
  return issues
    .filter((issue) => scope === undefined || scope.every((key, i) => issue.path[i] === key))
    .map((issue) => `${formatKeyPath(issue.path)}: ${issue.message}`)
}

function formatKeyPath(path: readonly PropertyKey[]): string {
  let out = ''
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`
    else out += out === '' ? String(key) : `.${String(key)}`
  }
  return out === '' ? '(root)' : out
}
