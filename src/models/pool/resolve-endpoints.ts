import { createModel, resolveEndpoints as endpointUrls } from "../create-model.js";
import type { ModelConfig } from "../model-config.js";
import { parseModelSpec } from "../spec.js";
import type { LanguageModel } from "../types.js";

/** One place a model is served from, and the backend that talks to it there. */
export interface ResolvedEndpoint {
  /** What the concurrency limit and health are shared by: the server URL, or the spec for in-process models. */
  key: string;
  model: LanguageModel;
}

/**
 * Base URLs of a spec. `openai-compatible:http://a/v1,http://b/v1#m` lists a fleet in the spec itself
 * (vLLM or llama.cpp servers); `ollama:` fleets come from a comma-separated OLLAMA_HOST.
 */
function baseUrls(spec: string, config: ModelConfig): string[] {
  const parsed = parseModelSpec(spec);
  if (
    parsed.provider === "openai-compatible" &&
    config.baseUrl === undefined &&
    parsed.baseUrl.includes(",")
  ) {
    return parsed.baseUrl
      .split(",")
      .map((url) => url.trim().replace(/\/+$/, ""))
      .filter((url) => url !== "");
  }
  return endpointUrls(parsed, config);
}

/** The backends of a spec, one per endpoint: several when the model is served by a fleet. */
export function resolveEndpoints(spec: string, config: ModelConfig = {}): ResolvedEndpoint[] {
  const urls = baseUrls(spec, config);
  if (urls.length === 0) return [{ key: spec, model: createModel(spec, config) }];
  return urls.map((baseUrl) => ({ key: baseUrl, model: createModel(spec, { ...config, baseUrl }) }));
}
