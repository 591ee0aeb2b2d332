import { RlmError } from "../../errors/index.js";
import { linkedAbortController } from "../http/abort.js";
import type { LlamaCppSettings, LlamaGpuLayers } from "../model-config.js";
import type { ChatChunk, ChatMessage, ChatOptions, ChatResult, LanguageModel, ModelInfo } from "../types.js";
import { generate } from "./generate.js";
import { type ContextSettings, type LoadedModel, loadModel } from "./loaded-models.js";
import { physicalCores } from "./machine.js";
import { resolveModelPath } from "./resolve-model-path.js";

export interface LlamaCppModelOptions extends LlamaCppSettings {
  /** A .gguf path, an `hf:org/repo:quant` URI or a URL (downloaded once into `cacheDir`). */
  model: string;
  /** The spec the model reports; default `llamacpp:<model>`. */
  spec?: string;
  /** Where downloads read `HF_ENDPOINT` and `HF_TOKEN` from. Default `process.env`. */
  env?: Record<string, string | undefined>;
}

function checkCount(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= 1)) {
    throw new RlmError(
      "invalid-config",
      `llamacpp option ${name} must be a whole number >= 1, got ${value}.`,
      {
        hint: `Fix ${name} in the llamacpp model options.`,
      },
    );
  }
}

function checkGpuLayers(value: LlamaGpuLayers | undefined): void {
  if (value === undefined || value === "auto" || value === "max") return;
  if (!(Number.isInteger(value) && value >= 0)) {
    throw new RlmError(
      "invalid-config",
      `llamacpp option gpuLayers must be a whole number >= 0, "auto" or "max", got ${JSON.stringify(value)}.`,
      { hint: "Fix gpuLayers in the llamacpp model options (0 keeps the model on the CPU)." },
    );
  }
}

/** The settings a model's context is created with: the options, with the machine's defaults filled in. */
export function contextSettings(options: LlamaCppSettings): ContextSettings {
  return {
    gpu: options.gpu ?? "auto",
    gpuLayers: options.gpuLayers,
    threads: options.threads ?? physicalCores(),
    contextSize: options.contextSize,
    batchSize: options.batchSize,
    sequences: options.sequences ?? 1,
  };
}

/**
 * The embedded backend: llama.cpp in this process through node-llama-cpp (an optional dependency,
 * imported on the first call). Nothing is loaded or downloaded until a call needs it; the weights
 * are then loaded once per process and shared by every model created for the same file.
 */
export function createLlamaCppModel(options: LlamaCppModelOptions): LanguageModel {
  checkCount("threads", options.threads);
  checkCount("contextSize", options.contextSize);
  checkCount("sequences", options.sequences);
  checkCount("batchSize", options.batchSize);
  checkGpuLayers(options.gpuLayers);
  const spec = options.spec ?? `llamacpp:${options.model}`;
  let loading: Promise<LoadedModel> | undefined;

  function load(signal: AbortSignal | undefined): Promise<LoadedModel> {
    loading ??= (async () => {
      const path = await resolveModelPath(options.model, {
        cacheDir: options.cacheDir,
        onProgress: options.onDownloadProgress,
        signal,
        ...(options.env ? { env: options.env } : {}),
      });
      return loadModel(path, contextSettings(options));
    })();
    loading.catch(() => {
      loading = undefined;
    });
    return loading;
  }

  async function chat(messages: ChatMessage[], callOptions?: ChatOptions): Promise<ChatResult> {
    const loaded = await load(callOptions?.signal);
    let text = "";
    let reasoning = "";
    const result = await generate(loaded, messages, callOptions, {
      onText: (piece) => {
        text += piece;
      },
      onReasoning: (piece) => {
        reasoning += piece;
      },
    });
    return reasoning === "" ? { ...result, text } : { ...result, text, reasoning };
  }

  async function* stream(messages: ChatMessage[], callOptions?: ChatOptions): AsyncIterable<ChatChunk> {
    const { controller, release } = linkedAbortController(callOptions?.signal);
    const queue: ChatChunk[] = [];
    let wake: (() => void) | undefined;
    let finished = false;
    let failure: unknown;
    const push = (chunk: ChatChunk): void => {
      queue.push(chunk);
      wake?.();
    };
    const running = load(controller.signal)
      .then((loaded) =>
        generate(
          loaded,
          messages,
          { ...callOptions, signal: controller.signal },
          {
            onText: (text) => push({ type: "text-delta", text }),
            onReasoning: (text) => push({ type: "reasoning-delta", text }),
          },
        ),
      )
      .then((result) => push({ type: "finish", usage: result.usage, finishReason: result.finishReason }))
      .catch((error: unknown) => {
        failure = error ?? new RlmError("llamacpp-error", "llama.cpp stopped without a reason.");
      })
      .finally(() => {
        finished = true;
        wake?.();
      });
    try {
      for (;;) {
        const chunk = queue.shift();
        if (chunk !== undefined) {
          yield chunk;
          continue;
        }
        if (finished) {
          if (failure !== undefined) throw failure;
          return;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    } finally {
      // The consumer stopped early: stop generating, and let the sequence go back before returning.
      if (!finished) controller.abort(new RlmError("aborted", "The stream was closed by its consumer."));
      await running;
      release();
    }
  }

  return {
    spec,
    chat,
    stream,
    async info(infoOptions?: { signal?: AbortSignal }): Promise<ModelInfo> {
      const loaded = await load(infoOptions?.signal);
      return { spec, provider: "llamacpp", model: options.model, contextWindow: loaded.contextSize };
    },
  };
}
