import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/** A chat message as the server received it. */
export interface ServerMessage {
  role: string
  content: string
}

/** What `respond` sees for each POST /v1/chat/completions. */
export interface ServerRequest {
  /** Parsed JSON body (unknown shape: tests assert on it). */
  body: Record<string, unknown>
  messages: ServerMessage[]
  headers: IncomingHttpHeaders
  /** 0-based arrival order across the server's life. */
  index: number
}

/** A scripted answer: a completion, or one of the faults the model layer must survive. */
export type ServerReply =
  | { content: string; usage?: { prompt_tokens: number; completion_tokens: number } | null; model?: string }
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | { hang: true }
  | { destroy: true }
  | { raw: string; status?: number; contentType?: string }

/** One recorded request with server-side timestamps (ms, Date.now()). */
export interface RecordedRequest extends ServerRequest {
  receivedAt: number
}

/** A running scripted server. */
export interface ModelServer {
  /** Base URL including `/v1`, ready for `base_url`. */
  url: string
  port: number
  requests: RecordedRequest[]
  /** Requests being handled right now. */
  readonly inFlight: number
  /** Most requests ever handled at once. */
  readonly maxInFlight: number
  close(): Promise<void>
}

/** Options for startModelServer. */
export interface ModelServerOptions {
  respond: (req: ServerRequest) => ServerReply | Promise<ServerReply>
  /** Delay before every reply (faults included), to make concurrency observable. */
  latencyMs?: number
  /** Model name reported in completions and /v1/models. */
  model?: string
}

/** Deterministic stand-in for a tokenizer: 4 UTF-8 bytes a token, at least 1. */
export function countTokens(text: string): number {
  return Math.max(1, Math.ceil(Buffer.byteLength(text, 'utf8') / 4))
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}

function toMessages(body: Record<string, unknown>): ServerMessage[] {
  const raw = body.messages
  if (!Array.isArray(raw)) return []
  return raw.map((m: unknown) => {
    const rec = isRecord(m) ? m : {}
    return { role: String(rec.role ?? ''), content: typeof rec.content === 'string' ? rec.content : '' }
  })
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  })
  res.end(text)
}

/**
 * Starts a real HTTP server on 127.0.0.1 (random port) speaking OpenAI's non-streaming
 * `/v1/chat/completions`, answering each request as `respond` scripts it.
 */
export async function startModelServer(opts: ModelServerOptions): Promise<ModelServer> {
  const model = opts.model ?? 'test-model'
  const requests: RecordedRequest[] = []
  const sockets = new Set<Socket>()
  let inFlight = 0
  let maxInFlight = 0
  let counter = 0

  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      void handle(Buffer.concat(chunks).toString('utf8'))
    })

    async function handle(text: string): Promise<void> {
      const url = req.url ?? ''
      if (req.method === 'GET' && url.replace(/\?.*/, '') === '/v1/models') {
        sendJson(res, 200, {
          object: 'list',
          data: [{ id: model, object: 'model', created: 0, owned_by: 'test' }],
        })
        return
      }
      if (req.method !== 'POST' || url.replace(/\?.*/, '') !== '/v1/chat/completions') {
        sendJson(res, 404, { error: { message: `no route ${req.method} ${url}`, type: 'not_found' } })
        return
      }
      let body: Record<string, unknown>
      try {
        const parsed: unknown = JSON.parse(text)
        body = isRecord(parsed) ? parsed : {}
      } catch {
        sendJson(res, 400, { error: { message: 'request body is not JSON', type: 'invalid_request_error' } })
        return
      }
      const index = counter++
      const messages = toMessages(body)
      const entry: RecordedRequest = { body, messages, headers: req.headers, index, receivedAt: Date.now() }
      requests.push(entry)
      inFlight++
      maxInFlight = Math.max(maxInFlight, inFlight)
      let hung = false
      try {
        const reply = await opts.respond({ body, messages, headers: req.headers, index })
        if (opts.latencyMs) await new Promise((r) => setTimeout(r, opts.latencyMs))
        if ('hang' in reply) {
          // Never answer; the in-flight count drops when the client gives up and closes the socket.
          hung = true
          req.socket.once('close', () => inFlight--)
          return
        }
        if ('destroy' in reply) {
          req.socket.destroy()
          return
        }
        if ('raw' in reply) {
          res.writeHead(reply.status ?? 200, { 'content-type': reply.contentType ?? 'application/json' })
          res.end(reply.raw)
          return
        }
        if ('status' in reply) {
          sendJson(
            res,
            reply.status,
            reply.body ?? { error: { message: `scripted HTTP ${reply.status}`, type: 'scripted' } },
            reply.headers,
          )
          return
        }
        const promptTokens = messages.reduce((n, m) => n + countTokens(m.content), 0)
        const usage =
          reply.usage === null
            ? undefined
            : (reply.usage ?? {
                prompt_tokens: promptTokens,
                completion_tokens: countTokens(reply.content),
              })
        sendJson(res, 200, {
          id: `chatcmpl-test-${index}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model: reply.model ?? (typeof body.model === 'string' ? body.model : model),
          choices: [
            {
              index: 0,
              message: { role: 'assistant', content: reply.content },
              finish_reason: 'stop',
              logprobs: null,
            },
          ],
          ...(usage
            ? { usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } }
            : {}),
        })
      } catch (err) {
        sendJson(res, 500, { error: { message: `respond() threw: ${String(err)}`, type: 'server_error' } })
      } finally {
        if (!hung) inFlight--
      }
    }
  })
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    get inFlight() {
      return inFlight
    },
    get maxInFlight() {
      return maxInFlight
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}
