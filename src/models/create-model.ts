import { RlmError } from "../errors/index.js";
import type { ParsedSpec } from "./backend.js";
import { backendOf } from "./backends.js";
import { DEFAULT_CONTEXT_WINDOW, knownContextWindow } from "./context-windows.js";
import type { ModelConfig } from "./model-config.js";
import { parseModelSpec } from "./spec.js";
import type { LanguageModel } from "./types.js";

/**
 * The base URLs a spec can be served from: several for `ollama:` when OLLAMA_HOST lists a fleet,
 * one otherwise (none for in-process llama.cpp). The pool creates one model per endpoint with
 * `createModel(spec, { ...config, baseUrl })`.
 */
export function resolveEndpoints(spec: string | ParsedSpec, config: ModelConfig = {}): string[] {
  const parsed = typeof spec === "string" ? parseModelSpec(spec) : spec;
  return backendOf(parsed).endpoints(parsed, config);
}

function checkWholeNumber(name: string, value: number | undefined): void {
  if (value === undefined || (Number.isInteger(value) && value > 0)) return;
  throw new RlmError(
    "invalid-config",
    `Model config ${name} must be a whole number of tokens above 0, got ${value}.`,
    {
      hint: `Fix ${name} in the model config (for example 32768), or leave it out to use what the server reports.`,
    },
  );
}

/**
 * A LanguageModel from a spec string (`ollama:qwen3:4b`, `openai-compatible:http://h:8000/v1#m`...),
 * configured from the environment users already have. Nothing is contacted or loaded until the
 * first call (the embedded llama.cpp backend is imported then); a missing API key fails here,
 * before any work starts.
 */
export function createModel(spec: string, config: ModelConfig = {}): LanguageModel {
  const parsed = parseModelSpec(spec);
  checkWholeNumber("contextWindow", config.contextWindow);
  checkWholeNumber("numCtx", config.numCtx);
  const backend = backendOf(parsed);
  const [baseUrl = ""] = backend.endpoints(parsed, config);
  const fallbackWindow = knownContextWindow(parsed.model) ?? DEFAULT_CONTEXT_WINDOW;
  return backend.create(parsed, config, { baseUrl, fallbackWindow });
}
