import { constants } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { looseWriteOptions, ObjectStore } from '../../../src/git/objects.js'
import { MODE, objectId, serializeTree } from '../../../src/git/tree-object.js'

const z = (...items: string[]): string => items.map((i) => `${i}\0`).join('')

describe('looseWriteOptions', () => {
  it("defaults to git's: level 1, no fsync, written here", () => {
    expect(looseWriteOptions('')).toEqual({ level: constants.Z_BEST_SPEED, fsync: false, delegate: null })
  })

  it('takes core.looseCompression over core.compression, and -1 as zlib default', () => {
    expect(looseWriteOptions(z('core.compression\n9')).level).toBe(9)
    expect(looseWriteOptions(z('core.compression\n9', 'core.loosecompression\n0')).level).toBe(0)
    expect(looseWriteOptions(z('core.compression\n-1')).level).toBe(constants.Z_DEFAULT_COMPRESSION)
    expect(looseWriteOptions(z('core.compression\n12')).level).toBe(constants.Z_BEST_SPEED)
  })

  it('fsyncs when core.fsyncObjectFiles or core.fsync asks for loose objects', () => {
    expect(looseWriteOptions(z('core.fsyncobjectfiles\ntrue')).fsync).toBe(true)
    // A bare key is true, as git reads it.
    expect(looseWriteOptions(z('core.fsyncobjectfiles')).fsync).toBe(true)
    expect(looseWriteOptions(z('core.fsync\ncommitted')).fsync).toBe(true)
    expect(looseWriteOptions(z('core.fsync\nall,-loose-object')).fsync).toBe(false)
    expect(looseWriteOptions(z('core.fsync\nreference')).fsync).toBe(false)
  })

  it('hands writing to git in a shared repository', () => {
    expect(looseWriteOptions(z('core.sharedrepository\ngroup')).delegate).toMatch(/group/)
    expect(looseWriteOptions(z('core.sharedrepository\n0660')).delegate).not.toBeNull()
    expect(looseWriteOptions(z('core.sharedrepository\nfalse')).delegate).toBeNull()
    expect(looseWriteOptions(z('core.sharedrepository\numask')).delegate).toBeNull()
  })
})

describe('ObjectStore name resolution from cached objects', () => {
  const blob = Buffer.from('print("héllo")\n')
  const blobId = objectId('blob', blob, 'sha1')
  const sub = serializeTree([{ mode: MODE.file, name: Buffer.from('mod.py'), oid: blobId }])
  const subId = objectId('tree', sub, 'sha1')
  const root = serializeTree([
    { mode: MODE.tree, name: Buffer.from('pkg'), oid: subId },
    { mode: MODE.file, name: Buffer.from('é.txt'), oid: blobId },
  ])
  const rootId = objectId('tree', root, 'sha1')
  const commit = Buffer.from(`tree ${rootId}\nauthor a <a> 0 +0000\ncommitter a <a> 0 +0000\n\nm\n`)
  const commitId = objectId('commit', commit, 'sha1')

  function store(): ObjectStore {
    const s = new ObjectStore('/nonexistent/objects', 'sha1')
    s.remember(blobId, 'blob', blob)
    s.remember(subId, 'tree', sub)
    s.remember(rootId, 'tree', root)
    s.remember(commitId, 'commit', commit)
    return s
  }

  it('resolves ids, peels and paths the way cat-file would', () => {
    const s = store()
    expect(s.resolve(commitId)).toBe(commitId)
    expect(s.resolve(`${commitId}^{tree}`)).toBe(rootId)
    expect(s.resolve(`${commitId}^{commit}`)).toBe(commitId)
    expect(s.resolve(`${commitId}:`)).toBe(rootId)
    expect(s.resolve(`${commitId}:pkg`)).toBe(subId)
    expect(s.resolve(`${commitId}:pkg/mod.py`)).toBe(blobId)
    expect(s.resolve(`${rootId}:é.txt`)).toBe(blobId)
    expect(s.resolve(`${rootId}^{tree}`)).toBe(rootId)
  })

  it('says "missing" only when the cached trees prove it', () => {
    const s = store()
    expect(s.resolve(`${commitId}:pkg/other.py`)).toBeNull()
    expect(s.resolve(`${commitId}:nope/mod.py`)).toBeNull()
    expect(s.resolve(`${rootId}^{commit}`)).toBeNull()
  })

  it('leaves to git what it cannot know', () => {
    const s = store()
    for (const name of [
      'HEAD',
      'main:pkg',
      `${commitId.slice(0, 12)}:pkg`,
      `${'0'.repeat(40)}:pkg`,
      `${commitId}:./pkg`,
      `${commitId}:pkg//mod.py`,
      `${commitId}:pkg/mod.py/x`,
      `${commitId}~1`,
      `${blobId}^{tree}`,
    ]) {
      expect(s.resolve(name), name).toBeUndefined()
    }
  })

  it('hands out copies, so a caller changing one does not change the cache', () => {
    const s = store()
    const first = s.get(blobId)
    first?.content.fill(0)
    expect(s.get(blobId)?.content.equals(blob)).toBe(true)
  })
})
