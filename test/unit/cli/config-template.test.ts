import { parse } from 'smol-toml'
import { describe, expect, it } from 'vitest'
import { renderConfigTemplate, tomlValue } from '../../../src/cli/config-template.js'
import { parseConfigText } from '../../../src/config/load.js'
import { defaultConfig } from '../../../src/config/schema.js'

describe('renderConfigTemplate', () => {
  const text = renderConfigTemplate()

  it('is a valid config as written (everything commented means all defaults)', () => {
    expect(parseConfigText(text, 'config.toml')).toEqual(defaultConfig())
  })

  it('shows every option of every section, each with its description', () => {
    const defaults = defaultConfig()
    for (const [section, values] of Object.entries(defaults)) {
      expect(text).toContain(`[${section}]`)
      for (const [key, value] of Object.entries(values)) {
        // Arrays of tables are shown as a commented `[[section.key]]` example instead of a key.
        const pattern =
          Array.isArray(value) && key === 'commands' ? `^# \\[\\[${section}\\.${key}\\]\\]` : `^# ${key} = `
        expect(text).toMatch(new RegExp(pattern, 'm'))
      }
    }
    for (const key of ['base_url', 'model', 'cassette'])
      expect(text).toMatch(new RegExp(`^# ${key} = <string>`, 'm'))
    expect(text).toContain('# Per-request timeout in milliseconds')
    expect(text).toContain('# [[validate.commands]]')
  })

  it('uncommenting every default line yields exactly the defaults', () => {
    let inExample = false
    const lines = text.split('\n').map((l) => {
      // The repeatable-table example runs from `# [[...]]` to the next blank line; it is not a default.
      if (l.startsWith('# [[')) inExample = true
      if (l === '') inExample = false
      const m = /^# ([a-z_]+ = .*)$/.exec(l)
      if (!m || inExample || l.includes('<')) return l
      return m[1] ?? l
    })
    const uncommented = lines.join('\n')
    expect(uncommented).not.toEqual(text)
    expect(parseConfigText(uncommented, 'config.toml')).toEqual(defaultConfig())
    const raw = parse(uncommented)
    expect(Object.keys(raw)).toEqual(['model', 'run', 'validate'])
  })

  it('formats TOML values', () => {
    expect(tomlValue('a"b')).toBe('"a\\"b"')
    expect(tomlValue(['E', 'F'])).toBe('["E", "F"]')
    expect(tomlValue(0.5)).toBe('0.5')
    expect(tomlValue(true)).toBe('true')
    expect(tomlValue({ a: 1 })).toBe('{ a = 1 }')
  })
})

describe("this repo's own .momentum/config.toml", () => {
  it('is the generated template (regenerate with UPDATE_DOCS=1)', async () => {
    const { readFileSync, writeFileSync } = await import('node:fs')
    const file = new URL('../../../.momentum/config.toml', import.meta.url)
    if (process.env.UPDATE_DOCS === '1') writeFileSync(file, renderConfigTemplate())
    expect(readFileSync(file, 'utf8')).toBe(renderConfigTemplate())
  })
})
