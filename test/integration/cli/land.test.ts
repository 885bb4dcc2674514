import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { landRun } from '../../../src/cli/land.js'
import { MomentumError } from '../../../src/errors/index.js'
import { Git } from '../../../src/git/index.js'
import { makeRepo, type TempRepo } from '../../support/repo.js'
import { pyprojectRecord } from '../../unit/cli/fixtures.js'

// land on real repos: the result is a plain branch made with git, described by a minimal record.
describe('landRun', () => {
  let repo: TempRepo
  afterEach(async () => repo?.cleanup())

  async function setup() {
    repo = await makeRepo({ 'a.txt': 'one\n', 'b.txt': 'two\n' })
    const base = repo.git('rev-parse', 'HEAD')
    repo.git('switch', '-q', '-c', 'result')
    repo.write('a.txt', 'one, edited by an agent\n')
    const result = repo.commitAll('agent edit')
    repo.git('switch', '-q', 'main')
    const record = pyprojectRecord({ base, resultCommit: result, resultBranch: 'result', scope: ['a.txt'] })
    return { git: await Git.open(repo.path), base, result, record }
  }

  const codeOf = async (p: Promise<unknown>) => {
    const err = await p.catch((e: unknown) => e)
    return err instanceof MomentumError ? err.code : err
  }

  it('refuses to fast-forward a branch that moved, and merges when asked', async () => {
    const { git, result, record } = await setup()
    repo.write('b.txt', 'two, edited by the user\n')
    const moved = repo.commitAll('user edit')
    expect(await codeOf(landRun(git, record, 'ff-only'))).toBe('LAND_CONFLICT')
    expect(repo.git('rev-parse', 'HEAD')).toBe(moved)
    const landed = await landRun(git, record, 'merge')
    expect(landed.mode).toBe('merge')
    expect(repo.git('rev-list', '--parents', '-n', '1', 'HEAD').split(' ').slice(1)).toEqual([moved, result])
    expect(readFileSync(join(repo.path, 'a.txt'), 'utf8')).toBe('one, edited by an agent\n')
    expect(readFileSync(join(repo.path, 'b.txt'), 'utf8')).toBe('two, edited by the user\n')
    expect(repo.git('status', '--porcelain')).toBe('')
    expect((await landRun(git, record, 'merge')).mode).toBe('up-to-date')
  })

  it('refuses a merge that would conflict, leaving the checkout untouched', async () => {
    const { git, record } = await setup()
    repo.write('a.txt', 'one, edited differently by the user\n')
    const moved = repo.commitAll('conflicting user edit')
    const err = await landRun(git, record, 'merge').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(MomentumError)
    expect((err as MomentumError).code).toBe('LAND_CONFLICT')
    expect((err as MomentumError).message).toContain('a.txt')
    expect(repo.git('rev-parse', 'HEAD')).toBe(moved)
    expect(repo.git('status', '--porcelain')).toBe('')
  })

  it('ignores dirt in files the result does not touch, and fast-forwards', async () => {
    const { git, result, record } = await setup()
    repo.write('b.txt', 'uncommitted\n')
    const landed = await landRun(git, record, 'ff-only')
    expect(landed).toMatchObject({ mode: 'fast-forward', after: result, files: ['a.txt'] })
    expect(readFileSync(join(repo.path, 'b.txt'), 'utf8')).toBe('uncommitted\n')
  })

  it('refuses a detached HEAD and a run without a result', async () => {
    const { git, record } = await setup()
    expect(await codeOf(landRun(git, { ...record, resultCommit: null }, 'ff-only'))).toBe('NO_RESULT')
    repo.git('switch', '-q', '--detach')
    expect(await codeOf(landRun(git, record, 'ff-only'))).toBe('DETACHED_HEAD')
  })
})
