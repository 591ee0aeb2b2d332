import { existsSync } from "node:fs";
import type { BackendCheck, BackendDescriptor, ParsedSpec } from "../backend.js";
import { lazyModel } from "../lazy-model.js";
import type { ModelConfig } from "../model-config.js";
import type { LanguageModel } from "../types.js";

/**
 * The embedded engine (`llamacpp:`): llama.cpp in this process. This file imports none of it:
 * node-llama-cpp, an optional dependency with a large native part, loads on the first call.
 */

async function loadLlamaCpp(parsed: ParsedSpec, config: ModelConfig): Promise<LanguageModel> {
  const { createLlamaCppModel } = await import("./llamacpp-model.js");
  return createLlamaCppModel({
    ...config.llamacpp,
    contextSize: config.llamacpp?.contextSize ?? config.contextWindow,
    model: parsed.model,
    spec: parsed.spec,
  });
}

/** node-llama-cpp resolves, and a local model file exists (hf: models download on use). */
function checkLlamaCpp(parsed: ParsedSpec): BackendCheck {
  try {
    import.meta.resolve("node-llama-cpp");
  } catch {
    return {
      status: "fail",
      code: "model-not-found",
      detail: "node-llama-cpp is not installed.",
      fix: "npm install node-llama-cpp beside rlm (npm install -g node-llama-cpp for a global rlm)",
    };
  }
  if (parsed.source === "path" && !existsSync(parsed.model)) {
    return {
      status: "fail",
      code: "model-not-found",
      detail: `No model file at ${parsed.model}.`,
      fix: "Give the path of a .gguf file, or an hf: URI.",
    };
  }
  const where = parsed.source === "hf" ? "downloaded on first use" : "a local file";
  return { status: "ok", detail: `Embedded llama.cpp, ${parsed.model} (${where}).` };
}

export const llamacppBackend: BackendDescriptor = {
  prefix: "llamacpp",
  examples: ["llamacpp:path/to/model.gguf", "llamacpp:hf:org/repo:Q4_K_M"],
  environment: [],
  parse: (rest) => ({ model: rest, source: rest.startsWith("hf:") ? "hf" : "path" }),
  endpoints: () => [],
  create: (parsed, config) => lazyModel(parsed.spec, () => loadLlamaCpp(parsed, config)),
  // In-process llama.cpp serves `sequences` calls at once; the rest wait in the pool's queue, where
  // waiting does not count against their timeout.
  capacity: (config) => config.llamacpp?.sequences ?? 1,
  costsMoney: () => false,
  check: async (parsed) => checkLlamaCpp(parsed),
};
