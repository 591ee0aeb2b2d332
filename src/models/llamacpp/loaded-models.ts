import type { LlamaGpu, LlamaGpuLayers } from "../model-config.js";
import { checkContextMemory, checkGgufFile, contextError, modelLoadError } from "./llama-errors.js";
import { sharedLlama } from "./load-library.js";
import { SequencePool } from "./sequence-pool.js";

type Llama = Awaited<ReturnType<typeof sharedLlama>>;
export type LlamaModel = Awaited<ReturnType<Llama["loadModel"]>>;

export interface ContextSettings {
  gpu: LlamaGpu;
  /** Undefined: node-llama-cpp's `"auto"` (as many layers as fit). */
  gpuLayers: LlamaGpuLayers | undefined;
  threads: number;
  /** Undefined: the model's training context, capped at 8192 tokens. */
  contextSize: number | undefined;
  /** Undefined: node-llama-cpp's default. */
  batchSize: number | undefined;
  /** Calls the context can serve at once (each gets its own sequence). */
  sequences: number;
}

/** A loaded model with one context of several sequences: what a llamacpp LanguageModel runs on. */
export interface LoadedModel {
  llama: Llama;
  model: LlamaModel;
  contextSize: number;
  /** The settings it was created with (threads and the rest resolved). */
  settings: ContextSettings;
  sequences: SequencePool;
  /** Whether the GGUF file carries a chat template (else prompts are completed as raw text). */
  hasChatTemplate: boolean;
}

/** The default window is the model's training context, but no more than this (the KV cache grows with it). */
export const DEFAULT_MAX_CONTEXT = 8192;
const models = new Map<string, Promise<LlamaModel>>();
const loaded = new Map<string, Promise<LoadedModel>>();

function loadModelOnce(llama: Llama, path: string, settings: ContextSettings): Promise<LlamaModel> {
  const key = `${settings.gpu}|${settings.gpuLayers}|${path}`;
  let model = models.get(key);
  if (model === undefined) {
    model = (async () => {
      await checkGgufFile(path);
      return await llama.loadModel({
        modelPath: path,
        ...(settings.gpuLayers !== undefined ? { gpuLayers: settings.gpuLayers } : {}),
      });
    })().catch((error: unknown) => {
      models.delete(key);
      throw modelLoadError(path, error);
    });
    models.set(key, model);
  }
  return model;
}

/**
 * Loads each model file once per process and creates one context per setting, both cached: a
 * second `createLlamaCppModel` for the same file reuses the weights already in memory.
 */
export function loadModel(path: string, settings: ContextSettings): Promise<LoadedModel> {
  const key = [
    path,
    settings.gpu,
    settings.gpuLayers,
    settings.threads,
    settings.contextSize,
    settings.batchSize,
    settings.sequences,
  ].join("|");
  let entry = loaded.get(key);
  if (entry === undefined) {
    entry = (async (): Promise<LoadedModel> => {
      const llama = await sharedLlama(settings.gpu);
      const model = await loadModelOnce(llama, path, settings);
      const contextSize = settings.contextSize ?? Math.min(model.trainContextSize, DEFAULT_MAX_CONTEXT);
      const contextOptions = {
        contextSize,
        sequences: settings.sequences,
        threads: settings.threads,
        ...(settings.batchSize !== undefined ? { batchSize: settings.batchSize } : {}),
      };
      checkContextMemory(model, path, contextOptions);
      const context = await model.createContext(contextOptions).catch((error: unknown) => {
        throw contextError(path, contextSize, error);
      });
      const template = model.fileInfo.metadata?.tokenizer?.chat_template;
      return {
        llama,
        model,
        contextSize: context.contextSize,
        settings,
        sequences: new SequencePool(context),
        hasChatTemplate: typeof template === "string" && template.trim() !== "",
      };
    })();
    entry.catch(() => loaded.delete(key));
    loaded.set(key, entry);
  }
  return entry;
}

/** Frees every model and context this process loaded (tests and long-lived servers call it on shutdown). */
export async function disposeLlamaCppModels(): Promise<void> {
  const all = [...models.values()];
  models.clear();
  loaded.clear();
  for (const model of all) {
    const resolved = await model.catch(() => undefined);
    await resolved?.dispose();
  }
}
