import type { ModelSettings } from "../backend.js";
import { streamInterruptedError } from "../errors.js";
import {
  type JsonRequest,
  linkedAbortController,
  parseJson,
  postJson,
  readJson,
  readSse,
} from "../http/index.js";
import type {
  ChatChunk,
  ChatMessage,
  ChatOptions,
  ChatResult,
  FinishReason,
  LanguageModel,
  ModelInfo,
  Usage,
} from "../types.js";
import { messageSchema, streamEventSchema } from "./anthropic-schemas.js";
import { buildAnthropicBody } from "./build-request.js";
import { mapAnthropicFailure, mapStopReason, mapUsage, streamErrorEvent } from "./map-anthropic.js";

/** `baseUrl` is the API root without `/v1`, e.g. `https://api.anthropic.com`. */
export interface AnthropicChatModelSettings extends ModelSettings {
  apiKey: string;
}

/** The API version this backend speaks (sent as `anthropic-version`). */
export const ANTHROPIC_VERSION = "2023-06-01";

/** The headers of every request to Anthropic's API: the key and the API version. */
export function anthropicHeaders(apiKey: string): Record<string, string> {
  return { "x-api-key": apiKey, "anthropic-version": ANTHROPIC_VERSION };
}

/** Anthropic's Messages API, JSON and server-sent events. */
export class AnthropicChatModel implements LanguageModel {
  readonly spec: string;

  constructor(private readonly settings: AnthropicChatModelSettings) {
    this.spec = settings.spec;
  }

  private request(body: Record<string, unknown>, signal: AbortSignal | undefined): JsonRequest {
    const { baseUrl, apiKey, model } = this.settings;
    return {
      url: `${baseUrl}/v1/messages`,
      body,
      signal,
      http: this.settings.http,
      headers: anthropicHeaders(apiKey),
      network: {
        target: `Anthropic at ${baseUrl}`,
        unreachableHint: `Check the network connection (and ANTHROPIC_BASE_URL if set; now ${baseUrl}).`,
      },
      authHint: "Check the API key in ANTHROPIC_API_KEY.",
      mapError: (failure) => mapAnthropicFailure(failure, model),
    };
  }

  async chat(messages: ChatMessage[], options: ChatOptions = {}): Promise<ChatResult> {
    const { body, warnings } = buildAnthropicBody(this.settings.model, messages, options, false);
    const request = this.request(body, options.signal);
    const reply = await readJson(await postJson(request), messageSchema, request.url, options.signal);
    const text = reply.content.map((block) => (block.type === "text" ? (block.text ?? "") : "")).join("");
    const reasoning = reply.content
      .map((block) => (block.type === "thinking" ? (block.thinking ?? "") : ""))
      .join("");
    return {
      text,
      ...(reasoning ? { reasoning } : {}),
      usage: mapUsage(reply.usage),
      finishReason: mapStopReason(reply.stop_reason),
      ...(warnings.length > 0 ? { warnings } : {}),
    };
  }

  async *stream(messages: ChatMessage[], options: ChatOptions = {}): AsyncGenerator<ChatChunk> {
    const { body } = buildAnthropicBody(this.settings.model, messages, options, true);
    const { controller, release } = linkedAbortController(options.signal);
    const request = this.request(body, controller.signal);
    let usage: Usage = { promptTokens: 0, completionTokens: 0 };
    let finishReason: FinishReason = "stop";
    try {
      for await (const event of readSse(await postJson(request), request.url, controller.signal)) {
        const data = parseJson(event.data, streamEventSchema, request.url);
        switch (data.type) {
          case "message_start":
            usage = mapUsage(data.message?.usage, usage);
            break;
          case "content_block_delta":
            if (data.delta?.type === "text_delta" && data.delta.text)
              yield { type: "text-delta", text: data.delta.text };
            if (data.delta?.type === "thinking_delta" && data.delta.thinking) {
              yield { type: "reasoning-delta", text: data.delta.thinking };
            }
            break;
          case "message_delta":
            usage = mapUsage(data.usage, usage);
            if (data.delta?.stop_reason) finishReason = mapStopReason(data.delta.stop_reason);
            break;
          case "error":
            throw streamErrorEvent(data.error?.type, data.error?.message);
          case "message_stop":
            yield { type: "finish", usage, finishReason };
            return;
        }
      }
      throw streamInterruptedError(request.url);
    } finally {
      release();
      controller.abort();
    }
  }

  /** Anthropic's API does not report windows: the config's, else the table of known models. */
  async info(): Promise<ModelInfo> {
    const contextWindow = this.settings.contextWindow ?? this.settings.fallbackWindow;
    return { spec: this.spec, provider: "anthropic", model: this.settings.model, contextWindow };
  }
}
