import { randomUUID } from "node:crypto";
import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4Content,
  LanguageModelV4GenerateResult,
  LanguageModelV4StreamPart,
  LanguageModelV4StreamResult,
  SharedV4Warning,
} from "@ai-sdk/provider";
import { InvalidPromptError } from "@ai-sdk/provider";
import { isRlmError } from "../errors/index.js";
import { chatContext } from "../inputs/index.js";
import type { LanguageModel } from "../models/types.js";
import { RLM, RunError } from "../rlm/index.js";
import type { CompletionResult, RLMOptions } from "../rlm/types.js";
import type { ContextInput } from "../sandbox/types.js";
import type { RlmEvent } from "../trace/types.js";
import { type CallSettings, callSettings, unsupportedWarnings } from "./call-options.js";
import { progressText } from "./progress.js";
import { convertPrompt } from "./prompt.js";
import { finishReasonOf, limitWarnings, metadataOf, RlmCallError, usageOf } from "./result.js";

/**
 * An RLM as an AI SDK language model (`LanguageModelV4`, the spec of `ai` 7): each call is one RLM
 * run. The prompt's earlier messages and files are the context and its last user message the
 * query (`chatContext`, the rule `rlm serve` applies); system messages are extra instructions.
 * `providerOptions.rlm` carries the call's limits and trajectory path; the abort signal stops the
 * run. Each call makes its own `RLM` (as each `rlm serve` request does), because limits, trace and
 * instructions are per call; `close()` waits for the sandboxes of finished calls to close.
 */

/** What every call of one model shares: `RLMOptions` but the root model and the per-call parts. */
export type RlmModelSettings = Omit<RLMOptions, "model" | "trace" | "recordContext" | "keepWarm">;

interface PreparedCall {
  context: ContextInput;
  query: string;
  call: CallSettings;
  warnings: SharedV4Warning[];
  options: RLMOptions;
}

function abortReason(signal: AbortSignal | undefined): unknown {
  return signal?.reason ?? new DOMException("This operation was aborted", "AbortError");
}

export class RlmLanguageModel implements LanguageModelV4 {
  readonly specificationVersion = "v4";
  readonly provider = "rlm";
  readonly modelId: string;
  /** None: the SDK downloads URLs and passes the bytes. */
  readonly supportedUrls: Record<string, RegExp[]> = {};
  private readonly closing = new Set<Promise<void>>();

  constructor(
    private readonly model: string | LanguageModel,
    private readonly settings: RlmModelSettings = {},
  ) {
    this.modelId = typeof model === "string" ? model : model.spec;
  }

  /** Waits until the sandboxes of finished calls are closed (they close in the background). */
  async close(): Promise<void> {
    while (this.closing.size > 0) await Promise.all([...this.closing]);
  }

  async doGenerate(options: LanguageModelV4CallOptions): Promise<LanguageModelV4GenerateResult> {
    const prepared = await this.prepare(options);
    const reasoning: string[] = [];
    const result = await this.run(prepared, options.abortSignal, (event) => {
      const text = prepared.call.progress ? progressText(event) : undefined;
      if (text) reasoning.push(text);
    });
    const content: LanguageModelV4Content[] = [];
    if (reasoning.length > 0) content.push({ type: "reasoning", text: reasoning.join("") });
    content.push({ type: "text", text: result.answer });
    return {
      content,
      finishReason: finishReasonOf(result),
      usage: usageOf(result),
      providerMetadata: metadataOf(result),
      response: { id: responseId(), timestamp: new Date(), modelId: this.modelId },
      warnings: [...prepared.warnings, ...limitWarnings(result, prepared.options.limits ?? {})],
    };
  }

  async doStream(options: LanguageModelV4CallOptions): Promise<LanguageModelV4StreamResult> {
    const prepared = await this.prepare(options);
    const cancelled = new AbortController();
    const signal = options.abortSignal
      ? AbortSignal.any([options.abortSignal, cancelled.signal])
      : cancelled.signal;
    // False once the stream is closed, failed or cancelled: nothing is sent after that.
    let open = true;
    const stream = new ReadableStream<LanguageModelV4StreamPart>({
      start: (controller) => {
        const send = (part: LanguageModelV4StreamPart) => {
          if (open) controller.enqueue(part);
        };
        const end = () => {
          if (open) controller.close();
          open = false;
        };
        send({ type: "stream-start", warnings: prepared.warnings });
        send({ type: "response-metadata", id: responseId(), timestamp: new Date(), modelId: this.modelId });
        let thinking = false;
        const onEvent = (event: RlmEvent) => {
          const text = prepared.call.progress ? progressText(event) : undefined;
          if (!text) return;
          if (!thinking) send({ type: "reasoning-start", id: "reasoning-0" });
          thinking = true;
          send({ type: "reasoning-delta", id: "reasoning-0", delta: text });
        };
        // Not awaited: `start` returns at once, so the SDK has the stream (and stream-start) while the run works.
        void this.run(prepared, signal, onEvent).then(
          (result) => {
            if (thinking) send({ type: "reasoning-end", id: "reasoning-0" });
            // A limit's warning is known only now, and the spec takes warnings only in stream-start:
            // it travels in the finish part's metadata (`rlm.warnings`), beside the finish reason.
            const warnings = limitWarnings(result, prepared.options.limits ?? {});
            send({ type: "text-start", id: "text-0" });
            if (result.answer !== "") send({ type: "text-delta", id: "text-0", delta: result.answer });
            send({ type: "text-end", id: "text-0" });
            send({
              type: "finish",
              finishReason: finishReasonOf(result),
              usage: usageOf(result),
              providerMetadata: {
                rlm: { ...metadataOf(result).rlm, warnings: warnings.map((warning) => warningText(warning)) },
              },
            });
            end();
          },
          (error: unknown) => {
            // The stream fails, as a cut connection does: textStream throws, text and usage reject.
            if (open) controller.error(error);
            open = false;
          },
        );
      },
      cancel: () => {
        open = false;
        cancelled.abort(new DOMException("The stream was cancelled", "AbortError"));
      },
    });
    return { stream };
  }

  /** Validates the call and splits its prompt; throws before any run starts. */
  private async prepare(options: LanguageModelV4CallOptions): Promise<PreparedCall> {
    const call = callSettings(options);
    const converted = convertPrompt(options.prompt);
    let split: Awaited<ReturnType<typeof chatContext>>;
    try {
      split = await chatContext(converted.messages, {
        context: call.context,
        contextField: "providerOptions.rlm.context",
      });
    } catch (error) {
      // A prompt that cannot be read (no question, no context, a binary file) is the caller's to fix.
      if (!isRlmError(error)) throw error;
      throw new InvalidPromptError({ prompt: options.prompt, message: error.describe(), cause: error });
    }
    const instructions = [this.settings.instructions, split.instructions].filter(Boolean).join("\n\n");
    const limits = { ...this.settings.limits, ...call.limits };
    return {
      context: split.context,
      query: split.query,
      call,
      warnings: [...unsupportedWarnings(options), ...converted.warnings],
      options: {
        ...this.settings,
        model: this.model,
        limits,
        ...(instructions ? { instructions } : {}),
        ...(call.trace ? { trace: call.trace, recordContext: call.recordContext } : {}),
      },
    };
  }

  /** One RLM run: resolves with an answer or a limit's best answer; rejects when aborted or failed. */
  private async run(
    prepared: PreparedCall,
    signal: AbortSignal | undefined,
    onProgress: (event: RlmEvent) => void,
  ): Promise<CompletionResult> {
    if (signal?.aborted) throw abortReason(signal);
    const own = this.settings.onEvent;
    const engine = new RLM({
      ...prepared.options,
      onEvent: (event) => {
        own?.(event);
        onProgress(event);
      },
    });
    let result: CompletionResult;
    try {
      result = await engine.completion(prepared.context, prepared.query, signal ? { signal } : {});
    } catch (error) {
      // A failed run rejects with a RunError (a limit's stop resolves with its best answer).
      if (error instanceof RunError) throw new RlmCallError(this.modelId, prepared.query, error);
      throw error;
    } finally {
      const closed = engine.close().catch(() => undefined);
      this.closing.add(closed);
      void closed.finally(() => this.closing.delete(closed));
    }
    if (result.stopReason === "aborted") throw abortReason(signal);
    return result;
  }
}

function responseId(): string {
  return `rlm-${randomUUID()}`;
}

function warningText(warning: SharedV4Warning): string {
  if (warning.type === "other") return warning.message;
  if (warning.type === "deprecated") return warning.message;
  return warning.details ? `${warning.feature}: ${warning.details}` : warning.feature;
}
