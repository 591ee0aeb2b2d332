import { access } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { isRlmError } from "../../errors/index.js";
import type { BackendCheck, CheckContext, ParsedSpec } from "../backend.js";
import { generate } from "./generate.js";
import { contextSettings, createLlamaCppModel, type LlamaCppModelOptions } from "./llamacpp-model.js";
import { loadNodeLlamaCpp } from "./load-library.js";
import { type LoadedModel, loadModel } from "./loaded-models.js";
import { countPromptTokens, raiseContextHint } from "./prompt.js";
import { defaultModelCacheDir, findCachedModel, isRemoteModel, planDownload } from "./resolve-model-path.js";

/**
 * `rlm doctor`'s check of a `llamacpp:` model, which loads what it checks: node-llama-cpp imports,
 * the file is a GGUF model (an `hf:` model not downloaded yet: the download server answers and the
 * URI resolves, reported as a warning since nothing could be loaded), the model loads with the
 * settings a run would use (so `rlm ask` reuses the load), the root model's opening prompt fits
 * its window with room for a reply, and one token is generated.
 */

/** Room a reply needs at the least beyond the opening prompt. */
export const MIN_REPLY_TOKENS = 32;

function failure(error: unknown): BackendCheck {
  if (isRlmError(error)) {
    return {
      status: "fail",
      code: error.code,
      detail: error.message,
      ...(error.hint ? { fix: error.hint } : {}),
    };
  }
  return { status: "fail", code: "llamacpp-error", detail: String(error) };
}

function megabytes(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(1)} GB` : `${Math.ceil(bytes / 1024 ** 2)} MB`;
}

function hardware(loaded: LoadedModel): string {
  const threads = `${loaded.settings.threads} thread${loaded.settings.threads === 1 ? "" : "s"}`;
  const gpu = loaded.llama.gpu;
  if (gpu === false) return `${threads}, CPU only`;
  return `${threads}, ${loaded.model.gpuLayers} layers on the GPU (${gpu})`;
}

export async function checkLlamaCpp(
  parsed: ParsedSpec,
  context: CheckContext,
  options: LlamaCppModelOptions,
): Promise<BackendCheck> {
  try {
    await loadNodeLlamaCpp();
    createLlamaCppModel(options); // refuses settings out of range, as a run would
  } catch (error) {
    return failure(error);
  }

  let path: string;
  if (isRemoteModel(parsed.model)) {
    const resolveOptions = {
      cacheDir: options.cacheDir,
      env: options.env,
      probeTimeoutMs: context.timeoutMs,
    };
    const cached = await findCachedModel(parsed.model, resolveOptions);
    if (cached === undefined) {
      try {
        const plan = await planDownload(parsed.model, resolveOptions);
        return {
          status: "warn",
          detail: `${parsed.model} is not downloaded yet: ${plan.fileName} (${megabytes(plan.bytes)}) will be downloaded from ${plan.server} into ${options.cacheDir ?? defaultModelCacheDir()} on first use; it is loaded and tried only then.`,
          fix: "Run rlm ask once to download it, then rlm doctor again to load and try it.",
        };
      } catch (error) {
        return failure(error);
      }
    }
    path = cached;
  } else {
    path = isAbsolute(parsed.model) ? parsed.model : resolve(parsed.model);
    try {
      await access(path);
    } catch {
      return {
        status: "fail",
        code: "model-not-found",
        detail: `No model file at ${path}.`,
        fix: "Give the path of a .gguf file, or an hf:org/repo:quant URI.",
      };
    }
  }

  let loaded: LoadedModel;
  try {
    loaded = await loadModel(path, contextSettings(options));
  } catch (error) {
    return failure(error);
  }

  const window = loaded.contextSize;
  let promptTokens: number | undefined;
  if (context.rootPrompt) {
    promptTokens = countPromptTokens(loaded.model, context.rootPrompt(window), loaded.hasChatTemplate);
    if (promptTokens + MIN_REPLY_TOKENS > window) {
      const hint = raiseContextHint(loaded.model, window);
      return {
        status: "fail",
        code: "context-overflow",
        detail: `The llama.cpp context holds ${window} tokens, too few for the root model's opening prompt: about ${promptTokens} tokens (system prompt and first message) plus ${MIN_REPLY_TOKENS} for a reply.`,
        fix: `${hint[0]?.toUpperCase()}${hint.slice(1)}.`,
      };
    }
  }

  const started = performance.now();
  try {
    await generate(
      loaded,
      [{ role: "user", content: "Hello" }],
      { maxTokens: 1, temperature: 0 },
      { onText: () => undefined, onReasoning: () => undefined },
    );
  } catch (error) {
    return failure(error);
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const trained = loaded.model.trainContextSize;
  const fits = promptTokens === undefined ? "" : `; the opening prompt takes about ${promptTokens} tokens`;
  return {
    status: "ok",
    calledModel: true,
    detail: `Embedded llama.cpp loaded ${path} (context ${window} tokens of the ${trained} it was trained with; ${hardware(loaded)}) and generated a token in ${seconds} s${fits}.`,
  };
}
