import { randomBytes } from 'node:crypto'
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { mkdir, open, readdir, rename, rm, utimes } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { constants, deflate, deflateSync } from 'node:zlib'
import type { BatchObject } from './batch.js'
import { type ObjectFormat, objectId, oidBytes } from './tree-object.js'

const deflateAsync = promisify(deflate)

/** Object types this project writes. */
export type WritableType = 'blob' | 'tree' | 'commit'

/** How loose objects are written, from the repository's config (see `looseWriteOptions`). */
export interface LooseWriteOptions {
  /** zlib level: core.looseCompression, else core.compression, else 1 (git's default for loose objects). */
  level: number
  /** Whether git would fsync a new loose object (core.fsync / core.fsyncObjectFiles). */
  fsync: boolean
  /** Set when git must write objects itself (a shared repository adjusts permissions). */
  delegate: string | null
}

/**
 * Reads the settings that change how git writes a loose object from `git config -z --get-regexp`
 * output. Anything we cannot reproduce exactly (core.sharedRepository's permission rules) hands
 * writing back to git.
 */
export function looseWriteOptions(configZ: string): LooseWriteOptions {
  const values = new Map<string, string>()
  for (const item of configZ.split('\0')) {
    if (item === '') continue
    const nl = item.indexOf('\n')
    const key = (nl < 0 ? item : item.slice(0, nl)).toLowerCase()
    // A bare key (`[core] fsyncObjectFiles`) means true, as git reads it.
    values.set(key, nl < 0 ? 'true' : item.slice(nl + 1))
  }
  const level = (key: string): number | null => {
    const raw = values.get(key)
    if (raw === undefined || !/^-?\d+$/.test(raw.trim())) return null
    const n = Number(raw)
    if (n === -1) return constants.Z_DEFAULT_COMPRESSION
    return n >= 0 && n <= 9 ? n : null
  }
  const shared = (values.get('core.sharedrepository') ?? 'false').trim().toLowerCase()
  const notShared = ['', 'false', 'no', 'off', 'umask', '0'].includes(shared)
  const fsyncFiles = isTrue(values.get('core.fsyncobjectfiles'))
  const components = (values.get('core.fsync') ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '')
  let fsyncLoose = fsyncFiles
  for (const c of components) {
    if (c === '-loose-object' || c === '-objects' || c === 'none') fsyncLoose = false
    else if (['loose-object', 'objects', 'committed', 'added', 'all'].includes(c)) fsyncLoose = true
  }
  return {
    level: level('core.loosecompression') ?? level('core.compression') ?? constants.Z_BEST_SPEED,
    fsync: fsyncLoose,
    delegate: notShared ? null : `core.sharedRepository=${shared}`,
  }
}

function isTrue(v: string | undefined): boolean {
  return v !== undefined && ['true', 'yes', 'on', '1'].includes(v.trim().toLowerCase())
}

// Objects are immutable by id, so a copy kept here can never go stale. The budget bounds memory
// on big repositories; a run's own objects (a few KB each) are far below it.
const CACHE_BYTES = 64 * 1024 * 1024
const CACHE_MAX_OBJECT = 4 * 1024 * 1024
// Up to this size an object is deflated and written without leaving this thread (see writeSmall).
const SYNC_WRITE_MAX = 64 * 1024
const PRESENT_MAX = 1_000_000
const TOKEN = randomBytes(4).toString('hex')

const OID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/

/**
 * Objects this process has read or written, by id, and an in-process writer of loose objects.
 *
 * Why write in-process: a run writes four or more objects per agent, and each one sent to a batch
 * git process cost a round trip through pipes (and, for blobs and commits, a staging file) that on
 * a two-core box took longer than git's own work. The bytes written are exactly git's: the
 * zlib-deflated `<type> <size>\0<content>` at `objects/xx/yyyy`, made visible by an atomic rename
 * from a `tmp_obj_` file (the prefix `git prune` sweeps if a crash leaves one behind).
 */
export class ObjectStore {
  private readonly cache = new Map<string, { type: string; content: Buffer }>()
  private bytes = 0
  /** Ids known to be on disk (written or read back by git); a second write of one is free. */
  private readonly present = new Set<string>()
  private tmpCount = 0

  constructor(
    private readonly objectsDir: string,
    private readonly format: ObjectFormat,
  ) {}

  /** A cached object, or undefined; the returned content is a copy the caller may keep or change. */
  get(oid: string): BatchObject | undefined {
    const hit = this.cache.get(oid)
    if (!hit) return undefined
    this.cache.delete(oid)
    this.cache.set(oid, hit)
    return { oid, type: hit.type, content: Buffer.from(hit.content) }
  }

  /** Remembers an object git gave us (or we wrote); it exists on disk. */
  remember(oid: string, type: string, content: Buffer): void {
    // Ids only, but a long-lived handle should not grow without end.
    if (this.present.size >= PRESENT_MAX) this.present.clear()
    this.present.add(oid)
    if (content.length > CACHE_MAX_OBJECT || this.cache.has(oid)) return
    this.cache.set(oid, { type, content: Buffer.from(content) })
    this.bytes += content.length
    for (const [old, v] of this.cache) {
      if (this.bytes <= CACHE_BYTES) break
      this.cache.delete(old)
      this.bytes -= v.content.length
    }
  }

  /**
   * Resolves a name the way `cat-file --batch` would, using cached objects only: a full id,
   * `<id>^{tree}`, `<id>^{commit}` or `<id>:<path>`. Returns undefined when the cache cannot tell
   * (anything else, such as a ref name, always goes to git), null when the object surely does not
   * exist, or the id of the object (which may itself not be cached).
   */
  resolve(name: string): string | null | undefined {
    const colon = name.indexOf(':')
    const rev = colon < 0 ? name : name.slice(0, colon)
    const caret = rev.indexOf('^')
    const oid = caret < 0 ? rev : rev.slice(0, caret)
    const peel = caret < 0 ? '' : rev.slice(caret)
    if (!OID.test(oid) || oid.length !== oidBytes(this.format) * 2) return undefined
    if (peel !== '' && peel !== '^{tree}' && peel !== '^{commit}') return undefined
    if (colon < 0 && peel === '') return oid
    const obj = this.cache.get(oid)
    let tree: string
    if (obj?.type === 'commit') {
      if (colon < 0 && peel === '^{commit}') return oid
      tree = /^tree ([0-9a-f]+)\n/.exec(obj.content.toString('latin1', 0, 80))?.[1] ?? ''
      if (tree === '') return undefined
    } else if (obj?.type === 'tree') {
      if (peel === '^{commit}') return null
      tree = oid
    } else return undefined
    if (colon < 0) return tree
    const path = name.slice(colon + 1)
    if (path === '') return tree
    // Only plain paths are walked here; git's own rules for odd ones (`./x`, `a//b`) stay git's.
    const parts = path.split('/')
    if (parts.some((p) => p === '' || p === '.' || p === '..')) return undefined
    let at = tree
    for (const part of parts) {
      const level = this.cache.get(at)
      if (level?.type !== 'tree') return undefined
      const next = findEntry(level.content, Buffer.from(part, 'utf8'), oidBytes(this.format))
      if (next === null) return null
      at = next
    }
    return at
  }

  /**
   * Makes the 256 fan-out directories that do not exist yet. Objects spread evenly over them, so a
   * run's few hundred objects would otherwise make most of them one by one, at the moment its
   * agents all commit at once; a directory costs more to make than the object file in it. A
   * caller about to write many objects runs this while it waits on something else. `git prune`
   * removes the ones that stay empty.
   */
  async prepareFanout(): Promise<void> {
    const have = new Set(await readdir(this.objectsDir).catch(() => [] as string[]))
    const missing: string[] = []
    for (let i = 0; i < 256; i++) {
      const name = i.toString(16).padStart(2, '0')
      if (!have.has(name)) missing.push(join(this.objectsDir, name))
    }
    // A few at a time: this runs beside the work it is making room for.
    for (let i = 0; i < missing.length; i += 8) {
      await Promise.all(missing.slice(i, i + 8).map((d) => mkdir(d).catch(() => undefined)))
    }
  }

  /** Writes one object as a loose file unless it is already there; returns its id. */
  async write(type: WritableType, content: Buffer, opts: LooseWriteOptions): Promise<string> {
    const oid = objectId(type, content, this.format)
    if (this.present.has(oid)) return oid
    const dir = join(this.objectsDir, oid.slice(0, 2))
    const file = join(dir, oid.slice(2))
    if (existsSync(file)) {
      // As git does: a rewrite freshens the file, so a prune racing this run keeps it.
      const now = new Date()
      await utimes(file, now, now).catch(() => undefined)
    } else {
      const raw = Buffer.concat([Buffer.from(`${type} ${content.length}\0`, 'latin1'), content])
      if (raw.length <= SYNC_WRITE_MAX) {
        this.writeSmall(dir, file, deflateSync(raw, deflateOptions(raw.length, opts.level)), opts.fsync)
      } else {
        await this.writeLarge(dir, file, await deflateAsync(raw, { level: opts.level }), opts.fsync)
      }
    }
    this.remember(oid, type, content)
    return oid
  }

  private tmpName(dir: string): string {
    // Unique per process (pid and a random token) and per write (a counter): no random bytes each time.
    return join(dir, `tmp_obj_${process.pid}_${TOKEN}_${(this.tmpCount++).toString(36)}`)
  }

  // Small objects are written with blocking calls on purpose: measured on a two-core VM, a file
  // created through the thread pool cost ~530 µs of CPU (four threads contending in the kernel),
  // a blocking one ~180 µs, and a run writes a few hundred of them at once.
  private writeSmall(dir: string, file: string, data: Buffer, fsync: boolean): void {
    const tmp = this.tmpName(dir)
    let fd: number
    try {
      fd = openSync(tmp, 'wx', 0o444)
    } catch (err) {
      // `git prune` removes empty fan-out directories, possibly one we saw before.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
      mkdirDirect(dir)
      fd = openSync(tmp, 'wx', 0o444)
    }
    try {
      try {
        writeFileSync(fd, data)
        if (fsync) fsyncSync(fd)
      } finally {
        closeSync(fd)
      }
      // Atomic; if the same object raced in meanwhile, the bytes are identical.
      renameSync(tmp, file)
    } catch (err) {
      rmSync(tmp, { force: true })
      throw err
    }
  }

  private async writeLarge(dir: string, file: string, data: Buffer, fsync: boolean): Promise<void> {
    await mkdir(dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err
    })
    const tmp = this.tmpName(dir)
    try {
      const handle = await open(tmp, 'wx', 0o444)
      try {
        await handle.writeFile(data)
        if (fsync) await handle.sync()
      } finally {
        await handle.close()
      }
      await rename(tmp, file)
    } catch (err) {
      await rm(tmp, { force: true })
      throw err
    }
  }
}

// Never recursive: if the repository itself is gone, writing must fail rather than make it again.
function mkdirDirect(dir: string): void {
  try {
    mkdirSync(dir)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  }
}

/** zlib settings for one object: a window no bigger than the object saves allocating 256 KB each time. */
function deflateOptions(
  size: number,
  level: number,
): { level: number; windowBits: number; memLevel: number } {
  const windowBits = Math.min(15, Math.max(9, Math.ceil(Math.log2(size + 1)) + 1))
  return { level, windowBits, memLevel: Math.min(8, Math.max(1, windowBits - 7)) }
}

/** The id of `name` in tree object content, or null; entries are sorted, but a scan is simplest. */
function findEntry(content: Buffer, name: Buffer, len: number): string | null {
  let at = 0
  while (at < content.length) {
    const space = content.indexOf(0x20, at)
    const nul = content.indexOf(0, space)
    if (space < 0 || nul < 0) return null
    const end = nul + 1 + len
    if (nul - space - 1 === name.length && content.compare(name, 0, name.length, space + 1, nul) === 0) {
      return content.subarray(nul + 1, end).toString('hex')
    }
    at = end
  }
  return null
}
