import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import { z } from 'zod'
import { fail } from '../errors/index.js'
import type { ChatMessage, ChatPurpose } from './types.js'

const ChatMessageSchema = z.object({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string(),
})

/** One recorded exchange. `key` is informational: it is recomputed from purpose and messages on load. */
export const CassetteEntrySchema = z.object({
  key: z.string(),
  agentId: z.string(),
  purpose: z.enum(['vote', 'edit', 'heal', 'generate']),
  messages: z.array(ChatMessageSchema),
  reply: z.string(),
  model: z.string(),
  usage: z.object({
    promptTokens: z.number().int().min(0),
    completionTokens: z.number().int().min(0),
    estimated: z.boolean().optional(),
  }),
})

/** A cassette file: the model traffic of one or more recorded runs. */
export const CassetteSchema = z.object({
  version: z.literal(1),
  model: z.string().optional(),
  entries: z.array(CassetteEntrySchema),
})

/** A recorded exchange. */
export type CassetteEntry = z.infer<typeof CassetteEntrySchema>
/** A whole cassette. */
export type Cassette = z.infer<typeof CassetteSchema>

/**
 * Stable key of a request: sha256 over purpose and messages. Agents run concurrently, so replay
 * matches by content rather than by arrival order; agent ids are left out so a renamed node still hits.
 */
export function cassetteKey(purpose: ChatPurpose, messages: readonly ChatMessage[]): string {
  const canonical = JSON.stringify([purpose, messages.map((m) => [m.role, m.content])])
  return createHash('sha256').update(canonical, 'utf8').digest('hex')
}

/** Reads and validates a cassette; null when the file does not exist. CASSETTE_INVALID when it is malformed. */
export function readCassette(path: string, label: string = path): Cassette | null {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    if (err instanceof Error && 'code' in err && err.code === 'ENOENT') return null
    throw fail(
      'CASSETTE_INVALID',
      `cannot read cassette ${label}: ${String(err)}`,
      'Check the file permissions.',
      {
        cassette: label,
      },
    )
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (err) {
    throw fail(
      'CASSETTE_INVALID',
      `cassette ${label} is not valid JSON (${err instanceof Error ? err.message : String(err)})`,
      'Re-record it with [model] provider = "record", or restore it from git.',
      { cassette: label },
    )
  }
  const parsed = CassetteSchema.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'wrong shape'
    throw fail(
      'CASSETTE_INVALID',
      `cassette ${label} has the wrong shape (${where})`,
      'Re-record it with [model] provider = "record", or restore it from git.',
      { cassette: label, issue: where },
    )
  }
  return parsed.data
}

/** Groups entries by recomputed key, keeping recording order within a key. */
export function indexCassette(cassette: Cassette): Map<string, CassetteEntry[]> {
  const index = new Map<string, CassetteEntry[]>()
  for (const e of cassette.entries) {
    const key = cassetteKey(e.purpose, e.messages)
    const list = index.get(key)
    if (list) list.push(e)
    else index.set(key, [e])
  }
  return index
}

/** Writes `text` to `path` via a temp file and a rename, so a reader never sees half a file. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`
  try {
    await writeFile(tmp, text, 'utf8')
    await rename(tmp, path)
  } catch (err) {
    await rm(tmp, { force: true })
    throw err
  }
}

/** The one writer of a cassette file: appends are serialised, and a burst becomes as few writes as possible. */
export class CassetteWriter {
  private chain: Promise<void> = Promise.resolve()
  private appended = 0
  private persisted = 0

  /** Starts from `cassette` (already loaded, possibly empty). */
  constructor(
    readonly path: string,
    private readonly cassette: Cassette,
  ) {}

  /** Entries so far (including ones this session replaced on re-record). */
  get entries(): readonly CassetteEntry[] {
    return this.cassette.entries
  }

  /** Drops entries for `key` (an older recording being replaced). */
  forget(key: string): void {
    this.cassette.entries = this.cassette.entries.filter((e) => cassetteKey(e.purpose, e.messages) !== key)
  }

  /** Appends an entry (and takes its model as the cassette's); resolves once a write that includes it has reached the disk. */
  append(entry: CassetteEntry): Promise<void> {
    this.cassette.entries.push(entry)
    // The cassette's model is what the server said it ran, so replay reports the real name.
    this.cassette.model = entry.model
    // A monotonic counter, not the entry count: forget() shrinks the list.
    const generation = ++this.appended
    const task = async (): Promise<void> => {
      if (this.persisted >= generation) return
      const upTo = this.appended
      await writeFileAtomic(this.path, `${JSON.stringify(this.cassette, null, 2)}\n`)
      this.persisted = upTo
    }
    this.chain = this.chain.catch(() => undefined).then(task)
    return this.chain
  }
}
