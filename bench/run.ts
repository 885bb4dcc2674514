import { mkdir, readdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { BenchResult } from './types.js'

// Runs every compiled `*.bench.js` next to this file (or only the areas named on the command line)
// and prints each figure beside its baseline, so ratios come from one run on one machine.
const here = dirname(fileURLToPath(import.meta.url))
const only = process.argv.slice(2)
const files = (await readdir(here)).filter((f) => f.endsWith('.bench.js')).sort()
const all: BenchResult[] = []
for (const file of files) {
  const area = file.replace(/\.bench\.js$/, '')
  if (only.length > 0 && !only.includes(area)) continue
  console.log(`\n== ${area}`)
  const mod = (await import(pathToFileURL(join(here, file)).href)) as { bench?: () => Promise<BenchResult[]> }
  if (typeof mod.bench !== 'function') {
    console.log(`   (no bench() export in ${file})`)
    continue
  }
  const results = await mod.bench()
  for (const r of results) {
    all.push(r)
    const base = r.baseline ? `  vs ${r.baseline.name}: ${fmt(r.baseline.value)} ${r.unit}` : ''
    const ratio = r.ratio !== undefined ? `  ratio ${r.ratio.toFixed(2)}` : ''
    const verdict = r.pass === undefined ? '' : r.pass ? '  [meets target]' : '  [MISSES target]'
    const target = r.target ? ` (target ${r.target})` : ''
    console.log(`   ${r.name}: ${fmt(r.value)} ${r.unit}${base}${ratio}${target}${verdict}`)
    if (r.note) console.log(`      ${r.note}`)
  }
}
const out = join(here, '..', '..', 'bench', 'out')
await mkdir(out, { recursive: true })
await writeFile(join(out, 'results.json'), `${JSON.stringify(all, null, 2)}\n`)
console.log(`\nwrote ${join('bench', 'out', 'results.json')}`)

function fmt(n: number): string {
  return Math.abs(n) >= 100 ? n.toFixed(0) : n.toPrecision(3)
}
