import { RlmError } from "../../errors/index.js";
import type { LlamaGpu } from "../model-config.js";
import { sharedLlama } from "./load-library.js";
import { SequencePool } from "./sequence-pool.js";

type Llama = Awaited<ReturnType<typeof sharedLlama>>;
export type LlamaModel = Awaited<ReturnType<Llama["loadModel"]>>;

export interface ContextSettings {
  gpu: LlamaGpu;
  threads: number;
  /** Undefined: the model's training context, capped at 8192 tokens. */
  contextSize: number | undefined;
  /** Calls the context can serve at once (each gets its own sequence). */
  sequences: number;
}

/** A loaded model with one context of several sequences: what a llamacpp LanguageModel runs on. */
export interface LoadedModel {
  llama: Llama;
  model: LlamaModel;
  contextSize: number;
  sequences: SequencePool;
  /** Whether the GGUF file carries a chat template (else prompts are completed as raw text). */
  hasChatTemplate: boolean;
}

const DEFAULT_MAX_CONTEXT = 8192;
const models = new Map<string, Promise<LlamaModel>>();
const loaded = new Map<string, Promise<LoadedModel>>();

function loadModelOnce(llama: Llama, path: string, gpu: LlamaGpu): Promise<LlamaModel> {
  const key = `${gpu}|${path}`;
  let model = models.get(key);
  if (model === undefined) {
    model = llama.loadModel({ modelPath: path }).catch((error: unknown) => {
      models.delete(key);
      throw new RlmError("model-load-failed", `llama.cpp could not load ${path}: ${String(error)}`, {
        hint: "Check that the file is a complete GGUF model supported by this node-llama-cpp version.",
        cause: error,
      });
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
  const key = `${path}|${settings.gpu}|${settings.threads}|${settings.contextSize}|${settings.sequences}`;
  let entry = loaded.get(key);
  if (entry === undefined) {
    entry = (async (): Promise<LoadedModel> => {
      const llama = await sharedLlama(settings.gpu);
      const model = await loadModelOnce(llama, path, settings.gpu);
      const contextSize = settings.contextSize ?? Math.min(model.trainContextSize, DEFAULT_MAX_CONTEXT);
      const context = await model.createContext({
        contextSize,
        sequences: settings.sequences,
        threads: settings.threads,
      });
      const template = model.fileInfo.metadata?.tokenizer?.chat_template;
      return {
        llama,
        model,
        contextSize: context.contextSize,
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
