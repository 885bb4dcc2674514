import { discoverFileNodes } from '../src/syntax/discover.js'
import { parserFor } from '../src/syntax/parse.js'
import { generatePyCorpusBytes } from '../test/support/pycorpus.js'
import type { BenchResult } from './types.js'

const CORPUS_BYTES = 10 * 1024 * 1024
const ROUNDS = 3

// CPU time of this process (all threads, GC included): steadier than wall time on a shared machine.
function cpuMs(): number {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

// Node discovery (parse + agent query + node building + hashing) against a bare tree-sitter parse
// of the same in-memory corpus. Rounds alternate between the two and the best round of each counts,
// which keeps a busy machine from skewing one side.
/** Syntax-layer throughput: discovery MB/s next to raw tree-sitter parse MB/s. */
export async function bench(): Promise<BenchResult[]> {
  const files = generatePyCorpusBytes(7, CORPUS_BYTES)
  const mb = files.reduce((n, f) => n + f.bytes.length, 0) / (1024 * 1024)
  const parser = parserFor('python')
  let raw = Number.POSITIVE_INFINITY
  let ours = Number.POSITIVE_INFINITY
  let nodes = 0
  for (let round = 0; round < ROUNDS; round++) {
    let t = cpuMs()
    for (const f of files) parser.parse(f.bytes.toString('utf8'))
    raw = Math.min(raw, cpuMs() - t)
    t = cpuMs()
    nodes = 0
    for (const f of files) nodes += discoverFileNodes(f.name, f.bytes, 'python').children.length
    ours = Math.min(ours, cpuMs() - t)
  }
  const rawRate = mb / (raw / 1000)
  const ourRate = mb / (ours / 1000)
  const ratio = ours / raw
  return [
    {
      area: 'syntax',
      name: 'python node discovery throughput',
      value: ourRate,
      unit: 'MB/s',
      baseline: { name: 'raw tree-sitter parse', value: rawRate },
      ratio,
      target: 'discovery time < 1.5x bare parse',
      pass: ratio < 1.5,
      note: `${files.length} generated files, ${mb.toFixed(1)} MB, ${nodes} top-level agents; best of ${ROUNDS} rounds of process CPU time (ratio ours/raw)`,
    },
  ]
}
