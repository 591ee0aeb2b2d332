import type { BackendDescriptor, EnvironmentVariable, ParsedSpec } from "../backend.js";
import { lazyModel } from "../lazy-model.js";
import type { ModelConfig } from "../model-config.js";
import type { LanguageModel } from "../types.js";
import type { LlamaCppModelOptions } from "./llamacpp-model.js";

/**
 * The embedded engine (`llamacpp:`): llama.cpp in this process. This file imports none of it:
 * node-llama-cpp, an optional dependency with a large native part, loads on the first call.
 */

const HF_ENDPOINT: EnvironmentVariable = {
  name: "HF_ENDPOINT",
  meaning:
    "where `llamacpp:hf:` models are downloaded from (default `https://huggingface.co/`; a mirror, or a local stand-in)",
  configFile: { key: "hfEndpoint", form: "url" },
};
const HF_TOKEN: EnvironmentVariable = {
  name: "HF_TOKEN",
  meaning: "Hugging Face access token, for gated `llamacpp:hf:` models",
  configFile: { key: "hfToken", form: "text" },
};

/** What a `llamacpp:` spec is created (and checked) with: the same settings, so a check's load is reused. */
export function llamaCppOptions(parsed: ParsedSpec, config: ModelConfig): LlamaCppModelOptions {
  const { models, ...shared } = config.llamacpp ?? {};
  const settings = { ...shared, ...models?.[parsed.model] };
  return {
    ...settings,
    contextSize: settings.contextSize ?? config.contextWindow,
    model: parsed.model,
    spec: parsed.spec,
    ...(config.env ? { env: config.env } : {}),
  };
}

async function loadLlamaCpp(parsed: ParsedSpec, config: ModelConfig): Promise<LanguageModel> {
  const { createLlamaCppModel } = await import("./llamacpp-model.js");
  return createLlamaCppModel(llamaCppOptions(parsed, config));
}

export const llamacppBackend: BackendDescriptor = {
  prefix: "llamacpp",
  examples: ["llamacpp:path/to/model.gguf", "llamacpp:hf:org/repo:Q4_K_M"],
  environment: [HF_ENDPOINT, HF_TOKEN],
  parse: (rest) => ({ model: rest, source: rest.startsWith("hf:") ? "hf" : "path" }),
  endpoints: () => [],
  create: (parsed, config) => lazyModel(parsed.spec, () => loadLlamaCpp(parsed, config)),
  // In-process llama.cpp serves `sequences` calls at once; the rest wait in the pool's queue, where
  // waiting does not count against their timeout.
  capacity: (config) => config.llamacpp?.sequences ?? 1,
  costsMoney: () => false,
  check: async (parsed, context) => {
    const { checkLlamaCpp } = await import("./check.js");
    return checkLlamaCpp(parsed, context, llamaCppOptions(parsed, context.config));
  },
};
