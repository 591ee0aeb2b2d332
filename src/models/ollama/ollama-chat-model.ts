import { ContextOverflowError, serverReportedError, streamInterruptedError } from "../errors.js";
import {
  checkShape,
  type HttpOptions,
  type JsonRequest,
  linkedAbortController,
  looksLikeContextOverflow,
  postJson,
  readJson,
  readNdjson,
} from "../http/index.js";
import { splitThinkTags, ThinkTagSplitter } from "../reasoning.js";
import { SharedLookup } from "../shared-lookup.js";
import type {
  ChatChunk,
  ChatMessage,
  ChatOptions,
  ChatResult,
  LanguageModel,
  ModelInfo,
  Usage,
} from "../types.js";
import { buildOllamaBody } from "./build-request.js";
import {
  DEFAULT_REPLY_RESERVE,
  growNumCtx,
  looksTruncated,
  lowerTokenEstimate,
  upperTokenEstimate,
} from "./context-size.js";
import { mapDoneReason, mapOllamaFailure } from "./map-ollama.js";
import { fetchOllamaContext } from "./ollama-context.js";
import { chatLineSchema, type OllamaChatLine } from "./ollama-schemas.js";

export interface OllamaChatModelSettings {
  spec: string;
  provider: "ollama" | "ollama-cloud";
  model: string;
  /** Server root, e.g. `http://127.0.0.1:11434`. */
  baseUrl: string;
  apiKey: string | undefined;
  contextWindow: number | undefined;
  numCtx: number | undefined;
  keepAlive: string | number | undefined;
  http: HttpOptions | undefined;
}

const looksLikeOverflow = (message: string): boolean =>
  looksLikeContextOverflow({ message, errorType: undefined });

/** Where `num_ctx` starts when not configured: small enough for a laptop, grown when a prompt needs more. */
const STARTING_NUM_CTX = 8_192;

/** Ollama's native API: `/api/chat` (JSON and NDJSON), `/api/show` for the real window. */
export class OllamaChatModel implements LanguageModel {
  readonly spec: string;
  private readonly context = new SharedLookup((signal) =>
    fetchOllamaContext(
      this.settings,
      (path, body, lookupSignal) => this.request(path, body, lookupSignal),
      signal,
    ),
  );
  private numCtx: number | undefined;

  constructor(private readonly settings: OllamaChatModelSettings) {
    this.spec = settings.spec;
    this.numCtx = settings.numCtx;
  }

  private get cloud(): boolean {
    return this.settings.provider === "ollama-cloud";
  }

  private request(
    path: string,
    body: Record<string, unknown> | undefined,
    signal: AbortSignal | undefined,
  ): JsonRequest {
    const { baseUrl, apiKey, model } = this.settings;
    return {
      url: `${baseUrl}${path}`,
      body,
      signal,
      http: this.settings.http,
      headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
      network: this.cloud
        ? {
            target: `Ollama Cloud at ${baseUrl}`,
            unreachableHint: "Check the network connection to ollama.com.",
          }
        : {
            target: `Ollama at ${baseUrl}`,
            unreachableHint: `Start Ollama with \`ollama serve\`, or set OLLAMA_HOST to where it runs (now ${baseUrl}).`,
          },
      authHint: "Set OLLAMA_API_KEY to a key from https://ollama.com/settings/keys.",
      mapError: (failure) => mapOllamaFailure(failure, model, this.cloud),
    };
  }

  /** Checks the prompt fits and picks `num_ctx` so Ollama does not silently cut it. */
  private async prepare(messages: ChatMessage[], options: ChatOptions): Promise<number | undefined> {
    const { window, loaded } = await this.context.get(options.signal);
    const lower = lowerTokenEstimate(messages);
    if (lower > window) {
      throw new ContextOverflowError(
        `The prompt (at least ~${lower} tokens) is longer than ${this.settings.model}'s context window of ${window} tokens.`,
        { promptTokens: lower, contextWindow: window },
      );
    }
    if (this.cloud) return undefined;
    const needed = upperTokenEstimate(messages) + (options.maxTokens ?? DEFAULT_REPLY_RESERVE);
    const starting = Math.min(window, Math.max(STARTING_NUM_CTX, loaded ?? 0));
    this.numCtx = growNumCtx(this.numCtx ?? starting, needed, window);
    return this.numCtx;
  }

  /** Ollama silently drops part of a prompt longer than `num_ctx`; never answer from a cut prompt. */
  private checkNotTruncated(line: OllamaChatLine, numCtx: number | undefined): void {
    const evaluated = line.prompt_eval_count ?? 0;
    if (numCtx !== undefined && looksTruncated(evaluated, numCtx)) {
      throw new ContextOverflowError(
        `Ollama cut the prompt to fit num_ctx=${numCtx} tokens for ${this.settings.model}; the answer would be based on a truncated prompt.`,
        { promptTokens: evaluated, contextWindow: numCtx },
      );
    }
  }

  private usage(line: OllamaChatLine): Usage {
    return { promptTokens: line.prompt_eval_count ?? 0, completionTokens: line.eval_count ?? 0 };
  }

  async chat(messages: ChatMessage[], options: ChatOptions = {}): Promise<ChatResult> {
    const numCtx = await this.prepare(messages, options);
    const { body, warnings } = buildOllamaBody(this.settings.model, messages, options, {
      numCtx,
      keepAlive: this.settings.keepAlive,
      stream: false,
    });
    const request = this.request("/api/chat", body, options.signal);
    const reply = await readJson(await postJson(request), chatLineSchema, request.url, options.signal);
    if (reply.error) throw serverReportedError("Ollama", reply.error, { isOverflow: looksLikeOverflow });
    this.checkNotTruncated(reply, numCtx);
    const split = splitThinkTags(reply.message?.content ?? "");
    const reasoning = reply.message?.thinking || split.reasoning;
    return {
      text: split.text,
      ...(reasoning ? { reasoning } : {}),
      usage: this.usage(reply),
      finishReason: mapDoneReason(reply.done_reason),
      ...(warnings.length > 0 ? { warnings } : {}),
    };
  }

  async *stream(messages: ChatMessage[], options: ChatOptions = {}): AsyncGenerator<ChatChunk> {
    const { controller, release } = linkedAbortController(options.signal);
    try {
      const numCtx = await this.prepare(messages, { ...options, signal: controller.signal });
      const { body } = buildOllamaBody(this.settings.model, messages, options, {
        numCtx,
        keepAlive: this.settings.keepAlive,
        stream: true,
      });
      const request = this.request("/api/chat", body, controller.signal);
      const splitter = new ThinkTagSplitter();
      for await (const value of readNdjson(await postJson(request), request.url, controller.signal)) {
        const line = checkShape(value, chatLineSchema, request.url);
        if (line.error) throw serverReportedError("Ollama", line.error, { isOverflow: looksLikeOverflow });
        if (line.message?.thinking) yield { type: "reasoning-delta", text: line.message.thinking };
        if (line.message?.content) yield* splitter.push(line.message.content);
        if (line.done) {
          this.checkNotTruncated(line, numCtx);
          yield* splitter.flush();
          yield { type: "finish", usage: this.usage(line), finishReason: mapDoneReason(line.done_reason) };
          return;
        }
      }
      throw streamInterruptedError(request.url);
    } finally {
      release();
      controller.abort();
    }
  }

  async info(options: { signal?: AbortSignal } = {}): Promise<ModelInfo> {
    const contextWindow = (await this.context.get(options.signal)).window;
    return { spec: this.spec, provider: this.settings.provider, model: this.settings.model, contextWindow };
  }
}
