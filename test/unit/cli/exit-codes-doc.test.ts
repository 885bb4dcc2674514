import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { CODE_MEANING, renderExitCodesDoc } from '../../../src/cli/exit-codes-doc.js'
import { ERROR_CODES, RUN_EXIT } from '../../../src/errors/index.js'

const DOC = join(import.meta.dirname, '../../../docs/exit-codes.md')

describe('docs/exit-codes.md', () => {
  it('describes every error code', () => {
    const missing = Object.keys(ERROR_CODES).filter((c) => !(c in CODE_MEANING))
    expect(missing).toEqual([])
  })

  it('has distinct exit codes for errors and run outcomes', () => {
    const exits = [...Object.values(ERROR_CODES).map((c) => c.exit), ...Object.values(RUN_EXIT)]
    expect(new Set(exits).size).toBe(exits.length)
  })

  it('matches the code table (regenerate with UPDATE_DOCS=1)', () => {
    const want = renderExitCodesDoc()
    if (process.env.UPDATE_DOCS === '1') writeFileSync(DOC, want)
    expect(readFileSync(DOC, 'utf8')).toBe(want)
    for (const [code, { exit }] of Object.entries(ERROR_CODES))
      expect(want).toContain(`| ${exit} | \`${code}\``)
  })
})
