import type { LanguageModelV3StreamPart, LanguageModelV4StreamPart } from "@ai-sdk/provider";
import { RlmError } from "../../errors/index.js";
import { DEFAULT_CONTEXT_WINDOW, knownContextWindow } from "../context-windows.js";
import { streamInterruptedError } from "../errors.js";
import { linkedAbortController } from "../http/abort.js";
import { ThinkTagSplitter } from "../reasoning.js";
import type { ChatChunk, ChatMessage, ChatOptions, ChatResult, LanguageModel, ModelInfo } from "../types.js";
import {
  AI_SDK_PREFIX,
  type AiSdkLanguageModel,
  aiSdkSpec,
  isAiSdkModel,
  unsupportedAiSdkVersion,
} from "./ai-sdk-spec.js";
import { type AiSdkCall, buildCall } from "./build-call.js";
import { type AiSdkGenerateResult, chatResultOf, mapFinishReason, mapUsage } from "./map-ai-sdk.js";
import { type AiSdkTarget, mapAiSdkError } from "./map-error.js";

export interface AiSdkModelOptions {
  /**
   * The model's context window in tokens. AI SDK models do not report one: without this option it
   * comes from rlm's table of known models by model id (`gpt-4o-mini`, `claude-sonnet-4-5`,
   * `qwen3:4b`...), and for any other model the RLM assumes 8,192 tokens and says so in a warning.
   */
  contextWindow?: number;
}

type AiSdkStreamPart = LanguageModelV4StreamPart | LanguageModelV3StreamPart;

/** What to do with a model of an older specification. */
export const V2_HINT =
  "Use a provider made for ai 7 (v4) or ai 6 (v3), or wrap the model with ai 7's wrapLanguageModel({ model, middleware: [] }), which returns a v4 model.";

/** The adapters of bare models (no options), one per AI SDK model object. */
const adapters = new WeakMap<AiSdkLanguageModel, LanguageModel>();

/**
 * An AI SDK language model (V4, as `ai` 7's providers make them, or V3) as an rlm `LanguageModel`:
 * `chat` calls `doGenerate`, `stream` calls `doStream`, and errors become rlm's (see `map-error.ts`).
 * Passing the bare AI SDK model to `new RLM({ model })` or a pool's `get` does this for you; call it
 * yourself to give options. Without options, the same object always gets the same adapter.
 */
export function fromAiSdk(model: AiSdkLanguageModel, options: AiSdkModelOptions = {}): LanguageModel {
  if (!isAiSdkModel(model)) {
    const version = unsupportedAiSdkVersion(model);
    throw new RlmError(
      "invalid-config",
      version === undefined
        ? "fromAiSdk() needs an AI SDK language model (an object with specificationVersion and doGenerate)."
        : `AI SDK language models of specification ${version} are not supported (only v4 and v3).`,
      { hint: V2_HINT },
    );
  }
  const { contextWindow } = options;
  if (contextWindow !== undefined && (!Number.isInteger(contextWindow) || contextWindow <= 0)) {
    throw new RlmError(
      "invalid-config",
      `contextWindow must be a whole number of tokens > 0, got ${String(contextWindow)}.`,
      {
        hint: "Give the model's context window in tokens, e.g. fromAiSdk(model, { contextWindow: 32_768 }).",
      },
    );
  }
  if (contextWindow !== undefined) return new AiSdkModel(model, contextWindow);
  let adapter = adapters.get(model);
  if (adapter === undefined) {
    adapter = new AiSdkModel(model, undefined);
    adapters.set(model, adapter);
  }
  return adapter;
}

class AiSdkModel implements LanguageModel {
  readonly spec: string;
  private readonly target: AiSdkTarget;

  constructor(
    private readonly model: AiSdkLanguageModel,
    private readonly contextWindow: number | undefined,
  ) {
    this.spec = aiSdkSpec(model);
    this.target = { provider: model.provider, modelId: model.modelId };
  }

  async chat(messages: ChatMessage[], options: ChatOptions = {}): Promise<ChatResult> {
    const call = buildCall(this.model.specificationVersion, messages, options, options.signal);
    let result: AiSdkGenerateResult;
    try {
      result = await this.generate(call);
    } catch (error) {
      throw this.failure(error, options.signal);
    }
    if (result.finishReason.unified === "interrupted") throw this.interrupted();
    return chatResultOf(result, call.warnings);
  }

  async *stream(messages: ChatMessage[], options: ChatOptions = {}): AsyncGenerator<ChatChunk> {
    const { controller, release } = linkedAbortController(options.signal);
    const call = buildCall(this.model.specificationVersion, messages, options, controller.signal);
    const splitter = new ThinkTagSplitter();
    let reader: ReadableStreamDefaultReader<AiSdkStreamPart> | undefined;
    try {
      try {
        reader = (await this.startStream(call)).getReader();
      } catch (error) {
        throw this.failure(error, options.signal);
      }
      for (;;) {
        let next: ReadableStreamReadResult<AiSdkStreamPart>;
        try {
          next = await reader.read();
        } catch (error) {
          throw this.failure(error, options.signal);
        }
        // A stream that ends without its finish part was cut short.
        if (next.done) throw this.interrupted();
        const part = next.value;
        if (part.type === "text-delta") yield* splitter.push(part.delta);
        else if (part.type === "reasoning-delta" && part.delta !== "")
          yield { type: "reasoning-delta", text: part.delta };
        else if (part.type === "error") throw this.failure(part.error, options.signal);
        else if (part.type === "finish") {
          if (part.finishReason.unified === "interrupted") throw this.interrupted();
          yield* splitter.flush();
          yield {
            type: "finish",
            usage: mapUsage(part.usage),
            finishReason: mapFinishReason(part.finishReason),
          };
          return;
        }
      }
    } finally {
      release();
      // Stops the request when the consumer left early or the stream failed; a no-op after a finish.
      controller.abort();
      reader?.cancel().catch(() => undefined);
    }
  }

  async info(): Promise<ModelInfo> {
    const contextWindow = this.contextWindow ?? knownContextWindow(this.model.modelId);
    if (contextWindow === undefined) {
      throw new RlmError(
        "context-window-unknown",
        `AI SDK models do not report their context window, and "${this.model.modelId}" is not in rlm's table of known models; pass it with fromAiSdk(model, { contextWindow })`,
        {
          hint: `Give the window: new RLM({ model: fromAiSdk(model, { contextWindow: 32_768 }) }). Until then ${DEFAULT_CONTEXT_WINDOW} tokens are assumed.`,
        },
      );
    }
    return { spec: this.spec, provider: AI_SDK_PREFIX, model: this.model.modelId, contextWindow };
  }

  private generate(call: AiSdkCall): PromiseLike<AiSdkGenerateResult> {
    const model = this.model;
    if (model.specificationVersion === "v3") return model.doGenerate(call.options);
    return model.doGenerate(
      call.reasoning === undefined ? call.options : { ...call.options, reasoning: call.reasoning },
    );
  }

  private async startStream(call: AiSdkCall): Promise<ReadableStream<AiSdkStreamPart>> {
    const model = this.model;
    if (model.specificationVersion === "v3") return (await model.doStream(call.options)).stream;
    const options =
      call.reasoning === undefined ? call.options : { ...call.options, reasoning: call.reasoning };
    return (await model.doStream(options)).stream;
  }

  /** The caller's abort reason when it aborted (as every backend rethrows it), else the error in rlm's terms. */
  private failure(error: unknown, signal: AbortSignal | undefined): unknown {
    if (signal?.aborted) return signal.reason;
    return mapAiSdkError(error, this.target);
  }

  private interrupted(): RlmError {
    return streamInterruptedError(`the AI SDK provider ${this.model.provider} (model ${this.model.modelId})`);
  }
}
