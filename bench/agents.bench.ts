import { once } from 'node:events'
import { Worker } from 'node:worker_threads'
import { startRun } from '../src/agents/index.js'
import { SYSTEM_PROMPT } from '../src/agents/prompts.js'
import { ConfigSchema } from '../src/config/schema.js'
import { gitProcessCount } from '../src/git/index.js'
import { countTokens, startModelServer } from '../test/support/model-server.js'
import { makeRepo } from '../test/support/repo.js'
import type { ModelWorkerData } from './model-worker.js'
import type { BenchResult } from './types.js'

// Fixed model latency per request, the same for every N and both sides of each ratio: about what a
// hosted model takes to return one method as JSON. BENCH_LATENCY_MS overrides it. At 5 s the
// N=64 baseline (concurrency 1) alone runs for about five and a half minutes.
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 5000)

function config(url: string, limit: number): ReturnType<typeof ConfigSchema.parse> {
  return ConfigSchema.parse({
    model: { base_url: url, model: 'bench', max_retries: 0, concurrency: 128, timeout_ms: 60_000 },
    run: { concurrency: limit, max_attempts: 1, parent_retry: false },
    validate: { pyright: false, sandbox: 'none' },
  })
}

/** The model server on a worker thread (see model-worker.ts): its URL, and a close that reports the peak in flight. */
async function modelWorker(latencyMs: number): Promise<{ url: string; close: () => Promise<number> }> {
  const data: ModelWorkerData = { latencyMs }
  const worker = new Worker(new URL('./model-worker.js', import.meta.url), { workerData: data })
  const [ready] = (await once(worker, 'message')) as [{ url: string }]
  return {
    url: ready.url,
    close: async () => {
      worker.postMessage('close')
      const [done] = (await once(worker, 'message')) as [{ maxInFlight: number }]
      await worker.terminate()
      return done.maxInFlight
    },
  }
}

/** Wall time of generating a class whose N methods are N sibling agents, at a given concurrency limit. */
export async function siblingsRun(
  n: number,
  limit: number,
  latencyMs = LATENCY_MS,
): Promise<{ ms: number; status: string; inFlight: number; gitProcesses: number }> {
  const repo = await makeRepo({ 'README.md': '# bench\n' })
  const server = await modelWorker(latencyMs)
  let closed = false
  try {
    const methods = Array.from({ length: n }, (_, i) => `m${String(i).padStart(3, '0')}`).join(',')
    const p0 = gitProcessCount()
    const t0 = performance.now()
    const out = await startRun({
      cwd: repo.path,
      intent: '',
      scope: [],
      config: config(server.url, limit),
      generate: { path: 'pkg/wide.py', template: 'python-class', vars: { class_name: 'Wide', methods } },
    })
    const ms = performance.now() - t0
    const gitProcesses = gitProcessCount() - p0
    closed = true
    const inFlight = await server.close()
    return { ms, status: out.status, inFlight, gitProcesses }
  } finally {
    if (!closed) await server.close()
    await repo.cleanup()
  }
}

/** A 2,000-line module: one class of ~180 ten-line methods. */
function bigModule(): string {
  const lines = [
    '"""A large module for the prompt-size benchmark."""',
    '',
    '',
    'class Big:',
    '    """Many methods."""',
    '',
  ]
  let i = 0
  while (lines.length < 2000) {
    const name = `op_${String(i).padStart(4, '0')}`
    lines.push(
      `    def ${name}(self, x: int) -> int:`,
      `        """Operation ${i}: a small arithmetic step."""`,
      `        y = x * ${i + 1}`,
      `        if y > ${i * 7}:`,
      `            y -= ${i}`,
      '        for k in range(3):',
      '            y += k',
      '        return y',
      '',
    )
    i++
  }
  return `${lines.join('\n')}\n`
}

/** Prompt tokens an agent spends on a one-method edit in a 2,000-line file, vs a whole-file prompt. */
export async function promptTokens(): Promise<BenchResult> {
  const file = bigModule()
  const intent = 'in class Big, make op_0090 return twice its result'
  const repo = await makeRepo({ 'pkg/big.py': file })
  const server = await startModelServer({
    respond: () => ({
      content: JSON.stringify({
        code: 'def op_0090(self, x: int) -> int:\n    """Operation 90, doubled."""\n    return 2 * (x * 91)\n',
      }),
    }),
  })
  try {
    const out = await startRun({
      cwd: repo.path,
      intent,
      scope: ['pkg/big.py'],
      config: config(server.url, 8),
    })
    const agent = out.record.agents.find((a) => a.node.name === 'op_0090')
    const ours = agent?.tokens.prompt ?? 0
    const acted = out.record.agents.filter((a) => a.votes?.acted && a.node.kind === 'method').length
    // The same request with the whole file in place of node text, outline and sibling names.
    const whole = countTokens(SYSTEM_PROMPT) + countTokens(`You write Python. Intent: ${intent}\n\n${file}`)
    const ratio = ours / whole
    return {
      area: 'agents',
      name: 'prompt tokens, one-method edit in a 2,000-line file',
      value: ours,
      unit: 'tokens',
      baseline: { name: 'whole file in the prompt', value: whole },
      ratio,
      target: '<= 0.10',
      pass: ours > 0 && ratio <= 0.1,
      note: `run ${out.status}; ${acted} method agent(s) acted; lines=${file.split('\n').length - 1}`,
    }
  } finally {
    await server.close()
    await repo.cleanup()
  }
}

/** Sibling concurrency and prompt size, against their baselines, in one run on one machine. */
export async function bench(): Promise<BenchResult[]> {
  const results: BenchResult[] = []
  // Untimed warm-up: the first run in a process loads the templates, grammars and Ruff's wasm;
  // without it whichever configuration runs first looks slower (N=1 once showed a 1.9x "speed-up").
  await siblingsRun(1, 1, 0)
  for (const n of [1, 8, 64]) {
    const latency = LATENCY_MS
    // Both configurations measured here, back to back, at the same latency.
    const slow = await siblingsRun(n, 1, latency)
    const fast = await siblingsRun(n, n, latency)
    const speedup = slow.ms / fast.ms
    // Our own time: what each run spends beyond waiting for the model.
    const overhead = Math.max(0, slow.ms - n * latency)
    const overheadFast = Math.max(0, fast.ms - latency)
    results.push({
      area: 'agents',
      name: `wall time, ${n} sibling agent(s), concurrency ${n}`,
      value: fast.ms,
      unit: 'ms',
      baseline: { name: 'concurrency 1 (measured)', value: slow.ms },
      ratio: speedup,
      target: `speed-up >= ${(0.8 * n).toFixed(1)}`,
      pass: speedup >= 0.8 * n,
      note:
        `latency ${latency} ms/request; status ${fast.status}/${slow.status}; server saw ${fast.inFlight} in flight; ` +
        `git processes ${fast.gitProcesses}/${slow.gitProcesses}; time beyond the model: ` +
        `${overhead.toFixed(0)} ms at concurrency 1 (${(overhead / n).toFixed(0)} ms/agent), ` +
        `${overheadFast.toFixed(0)} ms at concurrency ${n}`,
    })
  }
  results.push(await promptTokens())
  return results
}
