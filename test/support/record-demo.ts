/**
 * Re-records the demo cassette (.momentum/cassettes/demo.cassette.json): starts the scripted local
 * model server with the demo's canned replies and runs the very demo the CLI runs, with
 * provider = "record". Run it with `npm run demo:record` after changing a prompt or the scenario;
 * the demo e2e test replays the cassette offline and fails when they drift apart.
 */
import { rm } from 'node:fs/promises'
import { bundledCassette, runDemo } from '../../src/demo/run-demo.js'
import { demoRespond } from './demo-responder.js'
import { startModelServer } from './model-server.js'

const server = await startModelServer({ respond: demoRespond, model: 'demo-model' })
try {
  await rm(bundledCassette(), { force: true })
  const result = await runDemo({
    dir: null,
    mode: 'record',
    env: { ...process.env, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'sk-demo' },
    onStep: (title) => process.stdout.write(`recording: ${title}\n`),
  })
  for (const s of result.steps) process.stdout.write(`  ${s.outcome.runId}: ${s.outcome.status}\n`)
  process.stdout.write(`wrote ${bundledCassette()} (${server.requests.length} requests)\n`)
  if (result.steps.some((s) => s.outcome.status !== 'ok')) process.exitCode = 1
} finally {
  await server.close()
}
