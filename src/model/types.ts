/** One chat message as the OpenAI chat API takes it. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant'
  content: string
}

/** Why an agent is asking; part of the cassette key and of the token ledger's story. */
export type ChatPurpose = 'vote' | 'edit' | 'heal' | 'generate'

/** One request from one agent. */
export interface ChatRequest {
  agentId: string
  purpose: ChatPurpose
  messages: ChatMessage[]
  /** Aborting it stops the request, any backoff sleep and any queueing at once. */
  signal?: AbortSignal
}

/** Token counts for one reply. */
export interface ChatUsage {
  promptTokens: number
  completionTokens: number
  /** True when the server sent no usage and the counts are a chars/4 estimate. */
  estimated?: boolean
}

/** The model's answer. */
export interface ChatReply {
  text: string
  model: string
  usage: ChatUsage
}

/** Anything that answers chat requests: a live endpoint, a recorder, or a cassette. */
export interface ModelProvider {
  readonly model: string
  chat(req: ChatRequest): Promise<ChatReply>
}
