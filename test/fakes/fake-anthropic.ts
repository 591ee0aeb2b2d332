import {
  type CompleteAnswer,
  estimateTokens,
  type FakeProtocol,
  splitIntoPieces,
  startFakeServer,
} from "./fake-server.js";
import type { FakeMessage, FakePolicy, FakeRequest, FakeServer, FakeServerOptions } from "./types.js";

export interface FakeAnthropicOptions extends FakeServerOptions {
  /** Models served; undefined accepts any. Others get Anthropic's 404 `not_found_error`. */
  models?: string[];
  /** Prompts estimated longer than this get Anthropic's 400 `prompt is too long`. */
  contextLength?: number;
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((block) =>
      typeof block === "object" && block !== null ? String((block as { text?: unknown }).text ?? "") : "",
    )
    .join("");
}

function messagesOf(body: Record<string, unknown>): FakeMessage[] {
  const system = textOf(body.system);
  const raw = Array.isArray(body.messages) ? body.messages : [];
  const messages = raw.map((item) => {
    const message = (item ?? {}) as Record<string, unknown>;
    return { role: String(message.role ?? "user"), content: textOf(message.content) };
  });
  return system === "" ? messages : [{ role: "system", content: system }, ...messages];
}

const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  529: "overloaded_error",
};

const STOP_REASONS = { stop: "end_turn", length: "max_tokens" } as const;
let sequence = 0;

function anthropicProtocol(options: FakeAnthropicOptions): FakeProtocol {
  const errorBody = (status: number, message: string) => ({
    type: "error",
    error: { type: ERROR_TYPES[status] ?? "api_error", message },
  });
  const event = (name: string, data: Record<string, unknown>): string =>
    `event: ${name}\ndata: ${JSON.stringify({ type: name, ...data })}\n\n`;
  const wantsThinking = (request: FakeRequest): boolean =>
    (request.body.thinking as { type?: unknown } | undefined)?.type === "enabled";
  const messageStart = (request: FakeRequest, inputTokens: number): string =>
    event("message_start", {
      message: {
        id: `msg_fake_${++sequence}`,
        type: "message",
        role: "assistant",
        content: [],
        model: request.model,
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: inputTokens, output_tokens: 1 },
      },
    });
  const block = (index: number, type: "text" | "thinking", pieces: string[]): string[] => [
    event("content_block_start", {
      index,
      content_block: type === "text" ? { type: "text", text: "" } : { type: "thinking", thinking: "" },
    }),
    ...pieces.map((piece) =>
      event("content_block_delta", {
        index,
        delta:
          type === "text" ? { type: "text_delta", text: piece } : { type: "thinking_delta", thinking: piece },
      }),
    ),
    ...(type === "thinking"
      ? [event("content_block_delta", { index, delta: { type: "signature_delta", signature: "fake" } })]
      : []),
    event("content_block_stop", { index }),
  ];
  return {
    name: "anthropic",
    chatPaths: ["/v1/messages"],
    parseChat: (body) => ({
      model: String(body.model ?? ""),
      messages: messagesOf(body),
      stream: body.stream === true,
    }),
    precheck: (request) => {
      if (options.models !== undefined && !options.models.includes(request.model)) {
        return { status: 404, body: errorBody(404, `model: ${request.model}`) };
      }
      const prompt = estimateTokens(request.messages.map((message) => message.content).join("\n"));
      if (options.contextLength !== undefined && prompt > options.contextLength) {
        return {
          status: 400,
          body: errorBody(400, `prompt is too long: ${prompt} tokens > ${options.contextLength} maximum`),
        };
      }
      return undefined;
    },
    errorBody,
    answerBody: (request, answer: CompleteAnswer) => ({
      id: `msg_fake_${++sequence}`,
      type: "message",
      role: "assistant",
      model: request.model,
      content: [
        ...(answer.reasoning && wantsThinking(request)
          ? [{ type: "thinking", thinking: answer.reasoning, signature: "fake" }]
          : []),
        { type: "text", text: answer.text },
      ],
      stop_reason: STOP_REASONS[answer.finishReason],
      stop_sequence: null,
      usage: { input_tokens: answer.promptTokens, output_tokens: answer.completionTokens },
    }),
    streamContentType: "text/event-stream",
    streamChunks: (request, answer) => {
      const thinking = answer.reasoning && wantsThinking(request);
      return [
        messageStart(request, answer.promptTokens),
        event("ping", {}),
        ...(thinking ? block(0, "thinking", splitIntoPieces(answer.reasoning ?? "")) : []),
        ...block(thinking ? 1 : 0, "text", splitIntoPieces(answer.text)),
        event("message_delta", {
          delta: { stop_reason: STOP_REASONS[answer.finishReason], stop_sequence: null },
          usage: { output_tokens: answer.completionTokens },
        }),
        event("message_stop", {}),
      ];
    },
    textChunk: (_request, text) =>
      event("content_block_delta", { index: 0, delta: { type: "text_delta", text } }),
    streamErrorChunk: (message, errorType) =>
      event("error", { error: { type: errorType ?? "overloaded_error", message } }),
    malformedStreamChunk: 'event: content_block_delta\ndata: {"type": "content_block_delta", "delta": \n\n',
    route: (method, path) => {
      if (method === "GET" && path === "/v1/models") {
        const names = options.models ?? ["claude-fake"];
        return {
          status: 200,
          body: {
            data: names.map((id) => ({
              type: "model",
              id,
              display_name: id,
              created_at: new Date(0).toISOString(),
            })),
            has_more: false,
            first_id: names[0] ?? null,
            last_id: names.at(-1) ?? null,
          },
        };
      }
      return undefined;
    },
  };
}

/** A fake Anthropic Messages server: `/v1/messages` (JSON and SSE) and `/v1/models`. Base URL: `server.url`. */
export function startFakeAnthropic(
  policy: FakePolicy,
  options: FakeAnthropicOptions = {},
): Promise<FakeServer> {
  return startFakeServer(anthropicProtocol(options), policy, options);
}
