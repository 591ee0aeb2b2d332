import { open } from "node:fs/promises";
import { freemem } from "node:os";
import { RlmError } from "../../errors/index.js";
import { takeRecentLlamaLog } from "./load-library.js";
import type { LlamaModel } from "./loaded-models.js";

/**
 * The failure classes of loading a model into llama.cpp, each an `RlmError` with its own catalogue
 * code (all exit 4, backend) and a hint a user can act on: a file that is not a GGUF model
 * (`model-file-invalid`), not enough memory for the weights or the context (`llamacpp-out-of-memory`),
 * and any other load failure (`model-load-failed`). The settings' names in the hints are those of
 * every place they can be set: `createLlamaCppModel`'s options and the `rlm` command's flags.
 */

const MEMORY_PATTERN =
  /insufficient ?memory|out of (device )?memory|failed to allocate|cannot allocate|unable to allocate|bad_alloc|cudaMalloc|ErrorOutOfDeviceMemory|not enough memory/i;

/** Whether llama.cpp (or node-llama-cpp's memory checks) failed for want of memory. */
export function isOutOfMemory(error: unknown, log = ""): boolean {
  const name = (error as { name?: unknown } | undefined)?.name;
  const constructorName = (error as { constructor?: { name?: unknown } } | undefined)?.constructor?.name;
  if (name === "InsufficientMemoryError" || constructorName === "InsufficientMemoryError") return true;
  return MEMORY_PATTERN.test(`${String(error)} ${log}`);
}

const CONTEXT_SETTING =
  "contextSize (rlm: --llama-context-size, RLM_LLAMA_CONTEXT_SIZE or llamacpp.contextSize in the config file)";
const GPU_LAYERS_SETTING = "gpuLayers (--llama-gpu-layers, RLM_LLAMA_GPU_LAYERS, llamacpp.gpuLayers)";

const OUT_OF_MEMORY_HINT = `Lower ${CONTEXT_SETTING}, offload fewer layers with ${GPU_LAYERS_SETTING}, close other programs, or use a smaller quantization of the model.`;

export function outOfMemoryError(what: string, error: unknown, log: string): RlmError {
  return new RlmError(
    "llamacpp-out-of-memory",
    `llama.cpp ran out of memory ${what}: ${String(error)}${log ? ` (llama.cpp: ${log})` : ""}`,
    { hint: OUT_OF_MEMORY_HINT, cause: error },
  );
}

/** The first four bytes of every GGUF file. */
const GGUF_MAGIC = "GGUF";

/**
 * Refuses a file that is not a GGUF model before llama.cpp reads it (a text file named `.gguf`, an
 * HTML error page saved by a failed download, a safetensors file), saying what it starts with.
 */
export async function checkGgufFile(path: string): Promise<void> {
  let start: Buffer;
  try {
    const file = await open(path, "r");
    try {
      const buffer = Buffer.alloc(4);
      const { bytesRead } = await file.read(buffer, 0, 4, 0);
      start = buffer.subarray(0, bytesRead);
    } finally {
      await file.close();
    }
  } catch (error) {
    throw new RlmError("model-file-invalid", `The model file ${path} cannot be read: ${String(error)}`, {
      hint: "Give the path of a readable .gguf file (a directory or a device is not one).",
      cause: error,
    });
  }
  if (start.toString("latin1") === GGUF_MAGIC) return;
  const shown =
    start.length === 0 ? "it is empty" : `it starts with ${JSON.stringify(start.toString("latin1"))}`;
  throw new RlmError("model-file-invalid", `${path} is not a GGUF model file (${shown}, not "GGUF").`, {
    hint: "Give a .gguf model (llama.cpp's format; convert other formats with llama.cpp's convert_hf_to_gguf.py), or an hf:org/repo:quant URI to download one.",
  });
}

/** A model file llama.cpp could not load: memory, or anything else (an unsupported architecture, a cut file). */
export function modelLoadError(path: string, error: unknown): RlmError {
  if (error instanceof RlmError) return error;
  const log = takeRecentLlamaLog();
  if (isOutOfMemory(error, log)) return outOfMemoryError(`loading ${path}`, error, log);
  return new RlmError(
    "model-load-failed",
    `llama.cpp could not load ${path}: ${String(error)}${log ? ` (llama.cpp: ${log})` : ""}`,
    {
      hint: "Check that the file is a complete GGUF model (compare its size with the source's) of an architecture this node-llama-cpp version supports.",
      cause: error,
    },
  );
}

/** A context llama.cpp could not create for a loaded model. */
export function contextError(path: string, contextSize: number, error: unknown): RlmError {
  if (error instanceof RlmError) return error;
  const log = takeRecentLlamaLog();
  if (isOutOfMemory(error, log)) {
    return outOfMemoryError(`creating a ${contextSize}-token context for ${path}`, error, log);
  }
  return new RlmError(
    "llamacpp-error",
    `llama.cpp could not create a ${contextSize}-token context for ${path}: ${String(error)}${log ? ` (llama.cpp: ${log})` : ""}`,
    { hint: `Try a smaller ${CONTEXT_SETTING}.`, cause: error },
  );
}

function gigabytes(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
}

/**
 * Refuses a context the machine's free memory cannot hold, before llama.cpp allocates it. On the
 * CPU llama.cpp does not check: a mistyped window (100,000,000 tokens) makes it page in memory for
 * minutes, then the system's OOM killer ends the process without a word. node-llama-cpp's own
 * estimate of the context's memory is compared with the memory the system says is available.
 */
export function checkContextMemory(
  model: LlamaModel,
  path: string,
  options: { contextSize: number; sequences: number; batchSize?: number },
): void {
  // The heuristic estimate, not `...V2`: V2 simulates by creating the context, which for a huge
  // window is the very allocation of minutes this check exists to avoid.
  const needed = model.fileInsights.estimateContextResourceRequirements({
    ...options,
    modelGpuLayers: model.gpuLayers,
  });
  const available = freemem();
  if (needed.cpuRam <= available) return;
  throw new RlmError(
    "llamacpp-out-of-memory",
    `Not enough memory for a ${options.contextSize}-token llama.cpp context for ${path}: it needs about ${gigabytes(needed.cpuRam)} and ${gigabytes(available)} is available.`,
    { hint: OUT_OF_MEMORY_HINT },
  );
}
