import { z } from 'zod'
import { ConfigSchema } from '../config/schema.js'

/**
 * Writes the commented `.momentum/config.toml` that `init` creates, straight from the zod schema
 * (descriptions, defaults, enums), so the example can never drift from what the loader accepts.
 */

/** The slice of JSON Schema that zod emits for our config and that the generator reads. */
const JsonNodeSchema = z.object({
  type: z.union([z.string(), z.array(z.string())]).optional(),
  description: z.string().optional(),
  default: z.unknown().optional(),
  enum: z.array(z.unknown()).optional(),
  properties: z.record(z.string(), z.unknown()).optional(),
  required: z.array(z.string()).optional(),
  items: z.unknown().optional(),
})
type JsonNode = z.infer<typeof JsonNodeSchema>

function node(value: unknown): JsonNode {
  return JsonNodeSchema.parse(value)
}

/** Formats a JSON value as an inline TOML value. */
export function tomlValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  if (Array.isArray(value)) return `[${value.map(tomlValue).join(', ')}]`
  if (value !== null && typeof value === 'object') {
    const inner = Object.entries(value).map(([k, v]) => `${k} = ${tomlValue(v)}`)
    return `{ ${inner.join(', ')} }`
  }
  return '""'
}

function placeholder(n: JsonNode): string {
  const type = Array.isArray(n.type) ? n.type[0] : n.type
  if (type === 'array') return `[${placeholder(node(n.items ?? {}))}]`
  return `<${type ?? 'value'}>`
}

function describeLines(n: JsonNode): string[] {
  const out: string[] = []
  if (n.description) out.push(`# ${n.description}`)
  if (n.enum) out.push(`# One of: ${n.enum.map(tomlValue).join(', ')}.`)
  return out
}

function leafLines(key: string, n: JsonNode, required: boolean): string[] {
  const out = describeLines(n)
  if (n.default !== undefined) out.push(`# ${key} = ${tomlValue(n.default)}`)
  else out.push(`# ${key} = ${placeholder(n)}${required ? '  (required)' : '  (not set by default)'}`)
  return out
}

function isTableArray(n: JsonNode): boolean {
  return n.type === 'array' && node(n.items ?? {}).properties !== undefined
}

function sectionLines(path: string, n: JsonNode): string[] {
  const props = Object.entries(n.properties ?? {}).map(([k, v]) => [k, node(v)] as const)
  const out: string[] = [...describeLines(n), `[${path}]`]
  const later: string[] = []
  for (const [key, child] of props) {
    if (child.properties !== undefined) {
      later.push('', ...sectionLines(`${path}.${key}`, child).map(commentHeader))
    } else if (isTableArray(child)) {
      const item = node(child.items)
      later.push('', ...describeLines(child), '# Repeat this table once per entry (none by default):')
      later.push(`# [[${path}.${key}]]`)
      const required = new Set(item.required ?? [])
      for (const [k, v] of Object.entries(item.properties ?? {})) {
        const leaf = node(v)
        const value = leaf.default !== undefined ? tomlValue(leaf.default) : placeholder(leaf)
        const notes = [
          leaf.description,
          leaf.enum ? `one of ${leaf.enum.map(tomlValue).join(', ')}` : undefined,
        ]
        if (required.has(k)) notes.push('required')
        const note = notes.filter((x) => x !== undefined).join('; ')
        later.push(`# ${k} = ${value}${note ? `  # ${note}` : ''}`)
      }
    } else {
      out.push(...leafLines(key, child, (n.required ?? []).includes(key) && child.default === undefined))
    }
  }
  return [...out, ...later]
}

function commentHeader(line: string): string {
  return line.startsWith('[') ? `# ${line}` : line
}

/** The full commented config file; every option shows its description and default. */
export function renderConfigTemplate(): string {
  const root = node(z.toJSONSchema(ConfigSchema, { io: 'input' }))
  const lines = [
    '# git-momentum configuration (.momentum/config.toml).',
    '# Every option is listed with its default, commented out: uncomment a line to change it.',
    '# Model settings fall back to OPENAI_BASE_URL, OPENAI_MODEL and OPENAI_API_KEY when unset.',
    '# Generated from the config schema by `git momentum init`.',
  ]
  for (const [key, value] of Object.entries(root.properties ?? {})) {
    lines.push('', ...sectionLines(key, node(value)))
  }
  return `${lines.join('\n')}\n`
}
