import type { ModelSettings } from "../backend.js";
import { serverReportedError, streamInterruptedError } from "../errors.js";
import {
  bearer,
  type JsonRequest,
  linkedAbortController,
  looksLikeContextOverflow,
  parseJson,
  postJson,
  readJson,
  readSse,
} from "../http/index.js";
import { splitThinkTags, ThinkTagSplitter } from "../reasoning.js";
import { SharedLookup } from "../shared-lookup.js";
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
import { buildChatBody } from "./build-request.js";
import { isWellFormedCompletion } from "./completion-check.js";
import { resolveOpenAIContextWindow } from "./context-window.js";
import { mapFinishReason, mapOpenAIFailure, mapUsage } from "./map-openai.js";
import { chunkSchema, completionSchema } from "./openai-schemas.js";

/** `baseUrl` goes up to and including `/v1`, without a trailing slash. */
export interface OpenAIChatModelSettings extends ModelSettings {
  provider: "openai" | "openai-compatible";
  apiKey: string | undefined;
  /** The env var the key comes from, named in errors. */
  apiKeyVariable: string;
}

/** OpenAI Chat Completions, and every server that speaks it (vLLM, llama.cpp server, LM Studio, OpenRouter). */
export class OpenAIChatModel implements LanguageModel {
  readonly spec: string;
  private readonly window = new SharedLookup((signal) => resolveOpenAIContextWindow(this.settings, signal));

  constructor(private readonly settings: OpenAIChatModelSettings) {
    this.spec = settings.spec;
  }

  private request(body: Record<string, unknown>, signal: AbortSignal | undefined): JsonRequest {
    const { baseUrl, apiKey, model, apiKeyVariable } = this.settings;
    return {
      url: `${baseUrl}/chat/completions`,
      body,
      signal,
      http: this.settings.http,
      headers: bearer(apiKey),
      network: {
        target: `the OpenAI-compatible server at ${baseUrl}`,
        unreachableHint: `Check that the server at ${baseUrl} is running and the URL (with /v1) is right.`,
      },
      authHint: `Check the API key in ${apiKeyVariable}.`,
      mapError: (failure) => mapOpenAIFailure(failure, model, baseUrl),
    };
  }

  private get official(): boolean {
    return this.settings.provider === "openai" && this.settings.baseUrl.includes("api.openai.com");
  }

  async chat(messages: ChatMessage[], options: ChatOptions = {}): Promise<ChatResult> {
    const { body, warnings } = buildChatBody(this.settings.model, this.official, messages, options, false);
    const request = this.request(body, options.signal);
    const response = await postJson(request);
    const reply = await readJson(
      response,
      completionSchema,
      request.url,
      options.signal,
      isWellFormedCompletion,
    );
    const choice = reply.choices[0]!;
    const split = splitThinkTags(choice.message.content ?? "");
    const reasoning = choice.message.reasoning_content ?? choice.message.reasoning ?? split.reasoning;
    if (!reply.usage) warnings.push("the server did not report token usage; counted as 0");
    return {
      text: split.text,
      ...(reasoning ? { reasoning } : {}),
      usage: mapUsage(reply.usage),
      finishReason: mapFinishReason(choice.finish_reason),
      ...(warnings.length > 0 ? { warnings } : {}),
    };
  }

  async *stream(messages: ChatMessage[], options: ChatOptions = {}): AsyncGenerator<ChatChunk> {
    const { body } = buildChatBody(this.settings.model, this.official, messages, options, true);
    const { controller, release } = linkedAbortController(options.signal);
    const request = this.request(body, controller.signal);
    const splitter = new ThinkTagSplitter();
    let usage: Usage = { promptTokens: 0, completionTokens: 0 };
    let finishReason: FinishReason | undefined;
    let done = false;
    try {
      const response = await postJson(request);
      for await (const event of readSse(response, request.url, controller.signal)) {
        if (event.data === "[DONE]") {
          done = true;
          break;
        }
        const chunk = parseJson(event.data, chunkSchema, request.url);
        if (chunk.error) {
          const message = chunk.error.message ?? "error event in the stream";
          throw serverReportedError(this.settings.baseUrl, message, {
            isOverflow: (text) =>
              looksLikeContextOverflow({ message: text, errorType: chunk.error?.type ?? undefined }),
          });
        }
        if (chunk.usage) usage = mapUsage(chunk.usage);
        const choice = chunk.choices?.[0];
        if (!choice) continue;
        const reasoning = choice.delta?.reasoning_content ?? choice.delta?.reasoning;
        if (reasoning) yield { type: "reasoning-delta", text: reasoning };
        if (choice.delta?.content) yield* splitter.push(choice.delta.content);
        if (choice.finish_reason) finishReason = mapFinishReason(choice.finish_reason);
      }
      // Servers that end without [DONE] but sent a finish reason have still answered in full.
      if (!done && finishReason === undefined) throw streamInterruptedError(request.url);
      yield* splitter.flush();
      yield { type: "finish", usage, finishReason: finishReason ?? "stop" };
    } finally {
      release();
      controller.abort();
    }
  }

  async info(options: { signal?: AbortSignal } = {}): Promise<ModelInfo> {
    const contextWindow = await this.window.get(options.signal);
    return { spec: this.spec, provider: this.settings.provider, model: this.settings.model, contextWindow };
  }
}
