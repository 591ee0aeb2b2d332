/**
 * Fake model servers for tests and the simulated benchmark backend. Each speaks one real wire
 * protocol on 127.0.0.1 (Ollama NDJSON, OpenAI SSE, Anthropic SSE) and answers from a *policy*:
 * a function from the parsed request to a reply or a fault, so a test can script a whole RLM
 * trajectory by writing what a model would write.
 */

export interface FakeMessage {
  role: string;
  content: string;
}

export interface FakeRequest {
  protocol: "ollama" | "openai" | "anthropic";
  /** URL path, e.g. `/v1/chat/completions`, `/api/chat`. */
  path: string;
  model: string;
  /** System prompt first (Anthropic's `system` is turned into a leading system message). */
  messages: FakeMessage[];
  stream: boolean;
  /** The raw JSON body, for assertions on options (num_ctx, temperature, ...). */
  body: Record<string, unknown>;
  headers: Record<string, string | string[] | undefined>;
}

/** A normal answer. Token counts default to a rough chars/4 estimate. */
export interface FakeAnswer {
  text: string;
  reasoning?: string;
  promptTokens?: number;
  completionTokens?: number;
  finishReason?: "stop" | "length";
  /** Wait this long before the first byte (simulated latency / slow first byte). */
  delayMs?: number;
  /** Streams only: wait this long between chunks (a slow generation, for mid-stream timeouts and cancels). */
  chunkDelayMs?: number;
}

/** A fault the server produces instead of an answer. */
export type FakeFault =
  /** An HTTP error with the protocol's error JSON (or `body`), e.g. 429 with `Retry-After`. */
  | { fault: "status"; status: number; message?: string; headers?: Record<string, string>; delayMs?: number }
  /** Start streaming `text`, then destroy the socket after `afterChars` characters. */
  | { fault: "cut-stream"; text: string; afterChars: number }
  /** Reply 200 with a body that is not valid JSON (or a malformed stream line). */
  | { fault: "malformed" }
  /** Destroy the connection without any response. */
  | { fault: "drop" }
  /**
   * A failure reported after a 200: streams send `text`, then the protocol's in-stream error (an
   * Ollama `{"error"}` line, an OpenAI `data: {"error"}` chunk, an Anthropic `event: error`);
   * non-streaming requests get a 500 with `message`.
   */
  | { fault: "stream-error"; message: string; text?: string; errorType?: string };

export type FakeReply = FakeAnswer | FakeFault;

export type FakePolicy = (request: FakeRequest) => FakeReply | Promise<FakeReply>;

/** A running fake server. `url` is the server root (`http://127.0.0.1:PORT`, no path). */
export interface FakeServer {
  url: string;
  /** Every chat request received, in arrival order (other endpoints such as `/api/show` are not recorded). */
  requests: FakeRequest[];
  /** HTTP requests being answered right now (chat and other endpoints). */
  readonly inFlight: number;
  /** The most requests ever in flight at once. */
  readonly maxInFlight: number;
  /** TCP connections accepted so far (keep-alive clients reuse them). */
  readonly connections: number;
  /** Stops listening and destroys open connections. */
  close(): Promise<void>;
}

/** Options every fake server takes. */
export interface FakeServerOptions {
  /** Keep each chat request in `requests` (default true). Long benchmark runs turn it off to save memory. */
  recordRequests?: boolean;
  /**
   * Called once each chat reply has been handed to the socket in full, with the wall-clock times
   * (`performance.timeOrigin + performance.now()`) at which the request's headers arrived and the
   * reply's last byte was written: what a benchmark measuring at the server needs.
   */
  onExchange?: (request: FakeRequest, timing: { arrivedAt: number; finishedAt: number }) => void;
}
