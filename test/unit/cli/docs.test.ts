import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { COMMAND_NAMES } from '../../../src/cli/main.js'

describe('docs/cli.md', () => {
  it('documents every registered command', () => {
    const doc = readFileSync(join(import.meta.dirname, '../../../docs/cli.md'), 'utf8')
    expect(COMMAND_NAMES.length).toBeGreaterThan(10)
    for (const name of COMMAND_NAMES) expect(doc).toContain(`### \`git momentum ${name}`)
  })
})
