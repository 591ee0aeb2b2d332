import {
  type CompleteAnswer,
  estimateTokens,
  type FakeProtocol,
  splitIntoPieces,
  startFakeServer,
} from "./fake-server.js";
import type { FakeMessage, FakePolicy, FakeRequest, FakeServer, FakeServerOptions } from "./types.js";

export interface FakeOpenAIOptions extends FakeServerOptions {
  /** Models this server serves; undefined accepts any name. Others get OpenAI's 404 `model_not_found`. */
  models?: string[];
  /** Context window; longer prompts get a 400. Reported the way `flavor` does. */
  contextLength?: number;
  /**
   * Which server to imitate in what it reports: `"vllm"` (default) puts `max_model_len` in
   * `/v1/models`; `"llama.cpp"` puts the training context in `/v1/models` `meta.n_ctx_train` and the
   * real window in `/props` `default_generation_settings.n_ctx`.
   */
  flavor?: "vllm" | "llama.cpp";
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((part) =>
        typeof part === "object" && part !== null ? String((part as { text?: unknown }).text ?? "") : "",
      )
      .join("");
  }
  return "";
}

function messagesOf(body: Record<string, unknown>): FakeMessage[] {
  const raw = Array.isArray(body.messages) ? body.messages : [];
  return raw.map((item) => {
    const message = (item ?? {}) as Record<string, unknown>;
    return { role: String(message.role ?? "user"), content: textOf(message.content) };
  });
}

const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  404: "invalid_request_error",
  429: "rate_limit_exceeded",
};

let sequence = 0;

function openaiProtocol(options: FakeOpenAIOptions): FakeProtocol {
  const usage = (answer: CompleteAnswer) => ({
    prompt_tokens: answer.promptTokens,
    completion_tokens: answer.completionTokens,
    total_tokens: answer.promptTokens + answer.completionTokens,
  });
  const head = (request: FakeRequest, id: string) => ({
    id,
    object: "chat.completion.chunk",
    created: Math.floor(Date.now() / 1000),
    model: request.model,
  });
  const event = (value: unknown): string => `data: ${JSON.stringify(value)}\n\n`;
  const delta = (
    request: FakeRequest,
    id: string,
    fields: Record<string, unknown>,
    finish: string | null = null,
  ) =>
    event({
      ...head(request, id),
      choices: [{ index: 0, delta: fields, logprobs: null, finish_reason: finish }],
    });
  return {
    name: "openai",
    chatPaths: ["/v1/chat/completions", "/chat/completions"],
    parseChat: (body) => ({
      model: String(body.model ?? ""),
      messages: messagesOf(body),
      stream: body.stream === true,
    }),
    precheck: (request) => {
      if (options.models !== undefined && !options.models.includes(request.model)) {
        return {
          status: 404,
          body: {
            error: {
              message: `The model \`${request.model}\` does not exist or you do not have access to it.`,
              type: "invalid_request_error",
              param: null,
              code: "model_not_found",
            },
          },
        };
      }
      const prompt = estimateTokens(request.messages.map((message) => message.content).join("\n"));
      if (options.contextLength !== undefined && prompt > options.contextLength) {
        return {
          status: 400,
          body: {
            error: {
              message: `This model's maximum context length is ${options.contextLength} tokens. However, your messages resulted in ${prompt} tokens. Please reduce the length of the messages.`,
              type: "invalid_request_error",
              param: "messages",
              code: "context_length_exceeded",
            },
          },
        };
      }
      return undefined;
    },
    errorBody: (status, message) => ({
      error: { message, type: ERROR_TYPES[status] ?? "server_error", param: null, code: null },
    }),
    answerBody: (request, answer) => ({
      id: `chatcmpl-fake-${++sequence}`,
      object: "chat.completion",
      created: Math.floor(Date.now() / 1000),
      model: request.model,
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: answer.text,
            ...(answer.reasoning ? { reasoning_content: answer.reasoning } : {}),
          },
          logprobs: null,
          finish_reason: answer.finishReason,
        },
      ],
      usage: usage(answer),
    }),
    streamContentType: "text/event-stream",
    streamChunks: (request, answer) => {
      const id = `chatcmpl-fake-${++sequence}`;
      const includeUsage = (request.body.stream_options as { include_usage?: unknown } | undefined)
        ?.include_usage;
      return [
        delta(request, id, { role: "assistant", content: "" }),
        ...splitIntoPieces(answer.reasoning ?? "").map((piece) =>
          delta(request, id, { reasoning_content: piece }),
        ),
        ...splitIntoPieces(answer.text).map((piece) => delta(request, id, { content: piece })),
        delta(request, id, {}, answer.finishReason),
        ...(includeUsage === true
          ? [event({ ...head(request, id), choices: [], usage: usage(answer) })]
          : []),
        "data: [DONE]\n\n",
      ];
    },
    textChunk: (request, text) => delta(request, "chatcmpl-fake-cut", { content: text }),
    streamErrorChunk: (message, errorType) =>
      event({ error: { message, type: errorType ?? "server_error", param: null, code: null } }),
    malformedStreamChunk: 'data: {"id": "broken", "choices": [\n\n',
    route: (method, path) => {
      if (method === "GET" && (path === "/v1/models" || path === "/models")) {
        const names = options.models ?? ["fake-model"];
        return {
          status: 200,
          body: {
            object: "list",
            data: names.map((id) => ({
              id,
              object: "model",
              created: 0,
              owned_by: "fake",
              ...(options.contextLength === undefined ? {} : windowFields(options)),
            })),
          },
        };
      }
      if (method === "GET" && path === "/props" && options.flavor === "llama.cpp") {
        return {
          status: 200,
          body: { default_generation_settings: { n_ctx: options.contextLength ?? 4_096 }, total_slots: 1 },
        };
      }
      return undefined;
    },
  };
}

function windowFields(options: FakeOpenAIOptions): Record<string, unknown> {
  const window = options.contextLength ?? 4_096;
  // llama.cpp reports what the model was trained for, not what the server was started with.
  return options.flavor === "llama.cpp"
    ? { meta: { n_ctx_train: window * 4, n_vocab: 32_000 } }
    : { max_model_len: window };
}

/**
 * A fake OpenAI-compatible server: `/v1/chat/completions` (JSON and SSE with `include_usage`) and
 * `/v1/models`. Point clients at `${server.url}/v1`.
 */
export function startFakeOpenAI(policy: FakePolicy, options: FakeOpenAIOptions = {}): Promise<FakeServer> {
  return startFakeServer(openaiProtocol(options), policy, options);
}
