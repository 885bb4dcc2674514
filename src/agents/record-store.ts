import { fail } from '../errors/index.js'
import type { Git } from '../git/git.js'
import { MODE } from '../git/tree-object.js'
import { isRunId } from './run-id.js'
import { type RunRecord, RunRecordSchema } from './schema.js'

/** Every run record lives under this ref prefix, one ref per run. */
export const RUN_REF_PREFIX = 'refs/momentum/runs/'

/** The file inside each record commit's tree. */
export const RECORD_FILE = 'run.json'

/** The record ref of one run. */
export function runRef(runId: string): string {
  return `${RUN_REF_PREFIX}${runId}`
}

/**
 * Appends record commits to `refs/momentum/runs/<runId>`: each save is a new commit whose parent is
 * the previous save, moved with compare-and-swap, so the run's own history is auditable and a
 * second writer is refused instead of silently overwriting.
 */
export class RecordStore {
  /** `head` is the current record commit (null for a run never saved). */
  constructor(
    private readonly git: Git,
    private head: string | null,
  ) {}

  /** Opens the store of an existing run at its current record commit. */
  static async open(git: Git, runId: string): Promise<RecordStore> {
    return new RecordStore(git, await git.resolve(runRef(runId)))
  }

  /** The latest record commit. */
  get commit(): string | null {
    return this.head
  }

  /** Saves `record` as a new commit on the run's ref. */
  async write(record: RunRecord): Promise<void> {
    const json = `${JSON.stringify(record, null, 2)}\n`
    const blob = await this.git.writeBlob(Buffer.from(json, 'utf8'))
    const tree = await this.git.writeTree([
      { mode: MODE.file, name: Buffer.from(RECORD_FILE, 'utf8'), oid: blob },
    ])
    const message = `momentum run ${record.runId}: ${record.status}\n\nMomentum-Run: ${record.runId}\nMomentum-Status: ${record.status}\n`
    const commit = await this.git.commitTree(tree, this.head ? [this.head] : [], message)
    const ref = runRef(record.runId)
    await this.git.updateRefs([
      this.head ? { op: 'update', ref, oid: commit, old: this.head } : { op: 'create', ref, oid: commit },
    ])
    this.head = commit
  }
}

/** Reads a run's latest record; UNKNOWN_RUN when there is none, RUN_STATE_INVALID when it is damaged. */
export async function readRunRecord(git: Git, runId: string): Promise<RunRecord> {
  const unknown = fail(
    'UNKNOWN_RUN',
    `no run ${runId}`,
    'List runs with `git momentum log`; run ids look like 20261125-1203-a1b2.',
    { runId },
  )
  if (!isRunId(runId)) throw unknown
  const commit = await git.resolve(runRef(runId))
  if (!commit) throw unknown
  const [obj] = await git.readObjects([`${commit}:${RECORD_FILE}`])
  if (obj?.type !== 'blob') throw damaged(runId, 'the record commit has no run.json')
  return parseRecord(obj.content, runId)
}

/** Every run with a record, newest first. Damaged records are skipped rather than hiding the rest. */
export async function listRunRecords(git: Git): Promise<RunRecord[]> {
  const refs = (await git.listRefs(RUN_REF_PREFIX)).filter((r) => isRunId(r.ref.slice(RUN_REF_PREFIX.length)))
  const objs = await git.readObjects(refs.map((r) => `${r.oid}:${RECORD_FILE}`))
  const out: RunRecord[] = []
  objs.forEach((obj, i) => {
    if (obj?.type !== 'blob') return
    try {
      out.push(parseRecord(obj.content, refs[i]!.ref.slice(RUN_REF_PREFIX.length)))
    } catch {
      // A damaged record is reported by readRunRecord when asked for by id.
    }
  })
  return out.sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0))
}

function parseRecord(bytes: Buffer, runId: string): RunRecord {
  let raw: unknown
  try {
    raw = JSON.parse(bytes.toString('utf8'))
  } catch (err) {
    throw damaged(runId, `run.json is not JSON (${err instanceof Error ? err.message : String(err)})`)
  }
  const parsed = RunRecordSchema.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw damaged(
      runId,
      `run.json does not match the record schema (${issue?.path.join('.')}: ${issue?.message})`,
    )
  }
  return parsed.data
}

function damaged(runId: string, why: string): Error {
  return fail(
    'RUN_STATE_INVALID',
    `run ${runId}: ${why}`,
    `Inspect it with \`git show ${runRef(runId)}:${RECORD_FILE}\`; remove it with \`git momentum gc\`.`,
    { runId },
  )
}
