import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Monty } from '@pydantic/monty'
import { clearPymCache, loadPym, runPym } from '../src/grail/index.js'
import type { BenchResult } from './types.js'

// A small, typical vote script: one input, two host calls, a little string work.
const SCRIPT = `from grail import external, Input

intent: str = Input("intent")


@external
def node_text() -> str:
    ...


@external
def log(message: str) -> None:
    ...


words = [w for w in intent.lower().split() if len(w) > 2]
text = node_text().lower()
hits = [w for w in words if w in text]
log("hits: " + str(len(hits)))
{"relevance": min(1.0, len(hits) / max(1, len(words)))}
`

const INPUTS = { intent: 'add a dependency for requests and set up pytest-cov' }
const TEXT = '[project]\nname = "demo"\ndependencies = ["requests"]\n'

function perRunMs(n: number, fn: () => unknown): number {
  const t0 = performance.now()
  for (let i = 0; i < n; i++) fn()
  return (performance.now() - t0) / n
}

async function perRunMsAsync(n: number, fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now()
  for (let i = 0; i < n; i++) await fn()
  return (performance.now() - t0) / n
}

/** Per-run overhead of loadPym (cached) + runPym against Monty running the same stripped code bare. */
export async function bench(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'grail-bench-'))
  const file = join(dir, 'vote.pym')
  writeFileSync(file, SCRIPT)
  try {
    const externals = { node_text: () => TEXT, log: (_m: string) => undefined }
    const N = 2000
    clearPymCache()
    const cold = perRunMs(1, () => loadPym(file))
    const code = loadPym(file).code
    const bareExternals = {
      __grail_ext_node_text: () => TEXT,
      __grail_ext_log: () => null,
    }
    const bareInputs = { __grail_inputs__: INPUTS }
    const bare = () =>
      new Monty(code, { inputs: ['__grail_inputs__'] }).run({
        inputs: bareInputs,
        externalFunctions: bareExternals,
      })
    const parsed = new Monty(code, { inputs: ['__grail_inputs__'] })
    const bareCached = () => parsed.run({ inputs: bareInputs, externalFunctions: bareExternals })
    const ours = () => runPym(loadPym(file), { inputs: INPUTS, externals })
    // warm up all three paths
    for (let i = 0; i < 200; i++) {
      bare()
      bareCached()
      await ours()
    }
    const bareMs = perRunMs(N, bare)
    const bareCachedMs = perRunMs(N, bareCached)
    const oursMs = await perRunMsAsync(N, ours)
    const overhead = oursMs - bareMs
    const overheadVsCached = oursMs - bareCachedMs
    return [
      {
        area: 'grail',
        name: 'cached loadPym + runPym per run',
        value: oursMs,
        unit: 'ms',
        baseline: { name: 'new Monty(stripped).run()', value: bareMs },
        ratio: oursMs / bareMs,
        target: 'our overhead <= 5 ms',
        pass: overhead <= 5,
        note: `overhead ${overhead.toFixed(3)} ms per run`,
      },
      {
        area: 'grail',
        name: 'overhead vs an already-parsed Monty.run()',
        value: overheadVsCached,
        unit: 'ms',
        baseline: { name: 'parsed Monty.run()', value: bareCachedMs },
        ratio: oursMs / bareCachedMs,
        target: '<= 5 ms',
        pass: overheadVsCached <= 5,
        note: 'input validation, start/resume loop, argument and return type checks, output conversion',
      },
      {
        area: 'grail',
        name: 'cold loadPym (read, parse, check, strip, compile)',
        value: cold,
        unit: 'ms',
        note: 'paid once per script content; later loads hit the cache',
      },
    ]
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
