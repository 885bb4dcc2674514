import { afterEach, describe, expect, it } from 'vitest'
import { abortCommand } from '../../../src/cli/abort.js'
import type { GlobalOptions } from '../../../src/cli/output.js'
import { makeRepo, type TempRepo } from '../../support/repo.js'

describe('git momentum abort', () => {
  let repo: TempRepo | null = null
  afterEach(async () => {
    await repo?.cleanup()
    repo = null
  })

  it('takes `last` like the other commands, and removes only the newest run', async () => {
    repo = await makeRepo({ 'a.txt': 'a\n' })
    repo.git('branch', 'momentum/20261125-0900-aaaa/x')
    repo.git('branch', 'momentum/20261125-0930-bbbb/x')
    repo.git('branch', 'keep-me')
    const opts: GlobalOptions = { json: true, cwd: repo.path, color: false, tty: false, debug: false }
    const res = await abortCommand({ run: 'last' }, opts)
    expect(res.json).toMatchObject({ runId: '20261125-0930-bbbb', branches: 1 })
    const left = repo.git('for-each-ref', '--format=%(refname:short)', 'refs/heads/').split('\n').sort()
    expect(left).toEqual(['keep-me', 'main', 'momentum/20261125-0900-aaaa/x'])
  })
})
