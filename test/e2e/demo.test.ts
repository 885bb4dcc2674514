import { dir } from 'tmp-promise'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assertBuilt, cli, redact } from './harness.js'

// The README's demo command, offline on the bundled cassette. A prompt change that no longer matches
// the cassette fails here (CASSETTE_MISS); re-record with `npm run demo:record`.
describe('git momentum demo', () => {
  let tmp: { path: string; cleanup: () => Promise<void> }
  beforeAll(async () => {
    assertBuilt()
    tmp = await dir({ unsafeCleanup: true, prefix: 'momentum-demo-' })
  })
  afterAll(async () => {
    await tmp?.cleanup()
  })

  it('runs both examples on the replay cassette and prints tree, result and DAG', async () => {
    const target = `${tmp.path}/scratch`
    // No model settings at all: replay needs no network and no key.
    const res = await cli(['demo', '--dir', target], {
      cwd: tmp.path,
      env: { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' },
    })
    expect(res.stderr).toBe('')
    expect(res.code).toBe(0)
    const out = res.stdout
    expect(out).toContain(`scratch repo: ${target}`)
    expect(out.match(/^run \d{8}-\d{4}-[0-9a-f]{4}: ok$/gm)).toHaveLength(2)
    expect(out).toContain('+    "requests>=2.32",')
    expect(out).toContain('+    def tax(self, cents: int, rate_percent: int) -> int:')
    expect(out).toContain('== The commit DAG')
    expect(out).toMatch(/^\*.*invoicer 0\.3\.1$/m)
    expect(out).toContain('base_url')
    // Agents run concurrently, so the live event lines and the DAG's layout vary from run to run;
    // the results (trees, diffs) do not, and are snapshot.
    const results = out.slice(
      out.indexOf('== The seed example: edit pyproject.toml: result'),
      out.indexOf('== The commit DAG'),
    )
    expect(redact(results, [target])).toMatchSnapshot()
    expect(out).toMatch(/merge 5 into class Pricing/)
  })
})
