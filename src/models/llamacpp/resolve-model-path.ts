import { access } from "node:fs/promises";
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { RlmError } from "../../errors/index.js";
import type { DownloadProgress } from "../model-config.js";
import { loadNodeLlamaCpp } from "./load-library.js";

export interface ResolveModelOptions {
  /** Where `hf:` and URL models are downloaded to, once. Default `~/.cache/rlm/models`. */
  cacheDir?: string;
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
}

export function defaultModelCacheDir(): string {
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "rlm", "models");
}

function isRemote(model: string): boolean {
  return /^(hf:|huggingface:|https?:\/\/)/.test(model);
}

/**
 * Turns the model reference of a `llamacpp:` spec into a local .gguf path: a path is checked to
 * exist; an `hf:org/repo:quant` URI or a URL is downloaded once into the cache dir (node-llama-cpp's
 * `resolveModelFile`, which reuses a file already there), reporting progress.
 */
export async function resolveModelPath(model: string, options: ResolveModelOptions = {}): Promise<string> {
  if (!isRemote(model)) {
    const path = isAbsolute(model) ? model : resolve(model);
    try {
      await access(path);
    } catch (error) {
      throw new RlmError("model-not-found", `The model file ${path} does not exist.`, {
        hint: "Give the path of a .gguf file, or an hf:org/repo:quant URI to download one.",
        cause: error,
      });
    }
    return path;
  }
  const { resolveModelFile } = await loadNodeLlamaCpp();
  try {
    return await resolveModelFile(model, {
      directory: options.cacheDir ?? defaultModelCacheDir(),
      cli: false,
      signal: options.signal,
      onProgress: ({ downloadedSize, totalSize }) =>
        options.onProgress?.({ downloadedBytes: downloadedSize, totalBytes: totalSize }),
    });
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    throw new RlmError("model-download-failed", `Could not download ${model}: ${String(error)}`, {
      hint: "Check the URI (hf:org/repo:quant), your network and HF_TOKEN for gated models, or download the .gguf yourself and give its path.",
      isRetryable: true,
      cause: error,
    });
  }
}
