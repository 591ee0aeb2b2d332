import { RlmError } from "../../errors/index.js";
import type { ModelSettings } from "../backend.js";
import { ContextOverflowError, serverReportedError, streamInterruptedError } from "../errors.js";
import {
  checkShape,
  type HttpResponse,
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
import { mapDoneReason } from "./map-ollama.js";
import { fetchOllamaContext } from "./ollama-context.js";
import { ollamaRequest } from "./ollama-request.js";
import { chatLineSchema, type OllamaChatLine } from "./ollama-schemas.js";

/** `baseUrl` is the server root, e.g. `http://127.0.0.1:11434`. */
export interface OllamaChatModelSettings extends ModelSettings {
  provider: "ollama" | "ollama-cloud";
  apiKey: string | undefined;
  numCtx: number | undefined;
  keepAlive: string | number | undefined;
}

const looksLikeOverflow = (message: string): boolean =>
  looksLikeContextOverflow({ message, errorType: undefined });

const THINK_IGNORED = "this model does not support thinking; think was ignored";

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
  /** Set once the server said this model cannot think. */
  private thinkUnsupported = false;

  constructor(private readonly settings: OllamaChatModelSettings) {
    this.spec = settings.spec;
    this.numCtx = settings.numCtx;
  }

  private get cloud(): boolean {
    return this.settings.provider === "ollama-cloud";
  }

  private request(path: string, body: Record<string, unknown> | undefined, signal: AbortSignal | undefined) {
    return ollamaRequest(this.settings, path, body, signal);
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

  /**
   * Posts `/api/chat`. A model without thinking answers `think: true` with a 400; honour the rest
   * of the call instead (warn, don't throw) and stop asking this model to think.
   */
  private async send(
    messages: ChatMessage[],
    options: ChatOptions,
    numCtx: number | undefined,
    stream: boolean,
    signal: AbortSignal | undefined,
  ): Promise<{ response: HttpResponse; url: string; warnings: string[] }> {
    const skipThink = this.thinkUnsupported && options.think !== undefined;
    const settings = { numCtx, keepAlive: this.settings.keepAlive, stream };
    const sent = { ...options, ...(skipThink ? { think: undefined } : {}) };
    const { body, warnings } = buildOllamaBody(this.settings.model, messages, sent, settings);
    if (skipThink) warnings.push(THINK_IGNORED);
    const request = this.request("/api/chat", body, signal);
    try {
      return { response: await postJson(request), url: request.url, warnings };
    } catch (error) {
      if (
        sent.think !== true ||
        !(error instanceof RlmError) ||
        !/does not support thinking/i.test(error.message)
      ) {
        throw error;
      }
      this.thinkUnsupported = true;
      return this.send(messages, options, numCtx, stream, signal);
    }
  }

  async chat(messages: ChatMessage[], options: ChatOptions = {}): Promise<ChatResult> {
    const numCtx = await this.prepare(messages, options);
    const { response, url, warnings } = await this.send(messages, options, numCtx, false, options.signal);
    const reply = await readJson(response, chatLineSchema, url, options.signal);
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
      const { response, url } = await this.send(messages, options, numCtx, true, controller.signal);
      const splitter = new ThinkTagSplitter();
      for await (const value of readNdjson(response, url, controller.signal)) {
        const line = checkShape(value, chatLineSchema, url);
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
      throw streamInterruptedError(url);
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
