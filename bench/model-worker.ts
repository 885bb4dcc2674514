import { parentPort, workerData } from 'node:worker_threads'
import { startModelServer } from '../test/support/model-server.js'

// The agents bench's model server, on its own thread: a real endpoint is another machine, so the
// fake one's request parsing and JSON must not take turns on the event loop being measured.

/** What the bench thread sends: the per-request latency. */
export interface ModelWorkerData {
  latencyMs: number
}

const methodOf = (text: string): string => /`(\w+)`/.exec(text)?.[1] ?? 'm'
const port = parentPort
if (port) {
  const { latencyMs } = workerData as ModelWorkerData
  const server = await startModelServer({
    latencyMs,
    respond: (req) => {
      const user = req.messages
        .filter((m) => m.role === 'user')
        .map((m) => m.content)
        .join('\n')
      const name = methodOf(user)
      return { content: JSON.stringify({ code: `def ${name}(self) -> int:\n    return ${name.length}\n` }) }
    },
  })
  port.on('message', (m: unknown) => {
    if (m !== 'close') return
    const maxInFlight = server.maxInFlight
    void server.close().then(() => port.postMessage({ closed: true, maxInFlight }))
  })
  port.postMessage({ url: server.url })
}
