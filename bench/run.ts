import { spawnSync } from 'node:child_process'
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { z } from 'zod'
import type { BenchResult } from './types.js'

// Runs every compiled `*.bench.js` next to this file (or only the areas named on the command line)
// and prints each figure beside its baseline, so ratios come from one run on one machine.
// Each area runs in a process of its own: an area that leaves a big heap, loaded wasm or idle
// git processes behind (the agents bench does all three) must not bill the next one's CPU figures.
const here = dirname(fileURLToPath(import.meta.url))
const out = join(here, '..', '..', 'bench', 'out')
const CHILD = '--bench-area'

// What a child wrote, read back: checked, not trusted.
const Results = z.array(
  z.object({
    area: z.string(),
    name: z.string(),
    value: z.number(),
    unit: z.string(),
    baseline: z.object({ name: z.string(), value: z.number() }).optional(),
    ratio: z.number().optional(),
    target: z.string().optional(),
    pass: z.boolean().optional(),
    note: z.string().optional(),
  }),
)

if (process.argv[2] === CHILD) {
  const area = process.argv[3] ?? ''
  const mod = (await import(pathToFileURL(join(here, `${area}.bench.js`)).href)) as {
    bench?: () => Promise<BenchResult[]>
  }
  if (typeof mod.bench !== 'function') {
    console.log(`   (no bench() export in ${area}.bench.js)`)
  } else {
    const results = await mod.bench()
    for (const r of results) print(r)
    await writeFile(join(out, `${area}.json`), `${JSON.stringify(results, null, 2)}\n`)
  }
  process.exit(0)
}

const only = process.argv.slice(2)
const areas = (await readdir(here))
  .filter((f) => f.endsWith('.bench.js'))
  .sort()
  .map((f) => f.replace(/\.bench\.js$/, ''))
  .filter((a) => only.length === 0 || only.includes(a))
await mkdir(out, { recursive: true })
const all: BenchResult[] = []
let failed = false
for (const area of areas) {
  console.log(`\n== ${area}`)
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), CHILD, area], {
    stdio: 'inherit',
  })
  if (child.status !== 0) {
    console.log(`   (the ${area} bench failed: exit ${child.status ?? child.signal})`)
    failed = true
    continue
  }
  all.push(...Results.parse(JSON.parse(await readFile(join(out, `${area}.json`), 'utf8'))))
}
await writeFile(join(out, 'results.json'), `${JSON.stringify(all, null, 2)}\n`)
console.log(`\nwrote ${join('bench', 'out', 'results.json')}`)
if (failed) process.exitCode = 1

function print(r: BenchResult): void {
  const base = r.baseline ? `  vs ${r.baseline.name}: ${fmt(r.baseline.value)} ${r.unit}` : ''
  const ratio = r.ratio !== undefined ? `  ratio ${r.ratio.toFixed(2)}` : ''
  const verdict = r.pass === undefined ? '' : r.pass ? '  [meets target]' : '  [MISSES target]'
  const target = r.target ? ` (target ${r.target})` : ''
  console.log(`   ${r.name}: ${fmt(r.value)} ${r.unit}${base}${ratio}${target}${verdict}`)
  if (r.note) console.log(`      ${r.note}`)
}

function fmt(n: number): string {
  return Math.abs(n) >= 100 ? n.toFixed(0) : n.toPrecision(3)
}
