import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { HOST_EXTERNALS, LIMIT_PRESETS } from '../../../src/grail/index.js'

const DOC = readFileSync(join(import.meta.dirname, '../../../docs/grail.md'), 'utf8')

describe('docs/grail.md', () => {
  it('documents every host external with its exact signature and doc line', () => {
    for (const e of HOST_EXTERNALS) {
      const params = e.params.map((p) => `${p.name}: ${p.type}`).join(', ')
      expect(DOC).toContain(
        `| \`${e.async ? 'async ' : ''}def ${e.name}(${params}) -> ${e.returns}\` | ${e.doc} |`,
      )
    }
  })

  it('documents every limit preset with its numbers', () => {
    for (const [name, l] of Object.entries(LIMIT_PRESETS)) {
      expect(DOC).toContain(
        `| ${name} | ${l.memoryBytes / 1024 / 1024} MB | ${l.durationSecs} s | ${l.recursionDepth} |`,
      )
    }
  })
})
