import { backendOf } from "../backends.js";
import { createModel } from "../create-model.js";
import type { ModelConfig } from "../model-config.js";
import { parseModelSpec } from "../spec.js";
import type { LanguageModel } from "../types.js";

/** One place a model is served from, and the backend that talks to it there. */
export interface ResolvedEndpoint {
  /** What the concurrency limit and health are shared by: the server URL, or the spec for in-process models. */
  key: string;
  model: LanguageModel;
  /** Calls the endpoint can serve at once when it knows (an in-process model's sequences); the pool's cap applies too. */
  capacity?: number;
}

/**
 * The backends of a spec, one per endpoint: several when the model is served by a fleet
 * (`OLLAMA_HOST=http://a:11434,http://b:11434`, or `openai-compatible:http://a/v1,http://b/v1#m`).
 */
export function resolveEndpoints(spec: string, config: ModelConfig = {}): ResolvedEndpoint[] {
  const parsed = parseModelSpec(spec);
  const backend = backendOf(parsed);
  const urls = backend.endpoints(parsed, config);
  if (urls.length === 0) {
    return [{ key: spec, model: createModel(spec, config), capacity: backend.capacity?.(config) ?? 1 }];
  }
  return urls.map((baseUrl) => ({ key: baseUrl, model: createModel(spec, { ...config, baseUrl }) }));
}
