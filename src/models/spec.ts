import { RlmError } from "../errors/index.js";
import type { ModelInfo } from "./types.js";

/** A model spec string taken apart (DESIGN.md "Models"). */
export type ParsedSpec =
  | { provider: "ollama" | "ollama-cloud" | "openai" | "anthropic"; spec: string; model: string }
  | { provider: "openai-compatible"; spec: string; model: string; baseUrl: string }
  | {
      provider: "llamacpp";
      spec: string;
      /** The file path or the `hf:org/repo:quant` URI, exactly as written after `llamacpp:`. */
      model: string;
      source: "path" | "hf";
    };

const FORMS = [
  "ollama:qwen3:4b",
  "ollama-cloud:gpt-oss:120b",
  "openai:gpt-5-mini",
  "openai-compatible:http://127.0.0.1:8000/v1#my-model",
  "anthropic:claude-sonnet-4-5",
  "llamacpp:path/to/model.gguf",
  "llamacpp:hf:org/repo:Q4_K_M",
].join(", ");

function invalid(spec: string, why: string): RlmError {
  return new RlmError("invalid-model-spec", `Model spec "${spec}" is not valid: ${why}.`, {
    hint: `Write a spec like one of: ${FORMS}.`,
  });
}

const PROVIDERS: ReadonlyArray<ModelInfo["provider"]> = [
  "ollama-cloud",
  "ollama",
  "openai-compatible",
  "openai",
  "anthropic",
  "llamacpp",
];

/** Parses `provider:rest`. The model part keeps its own colons (`ollama:qwen3:4b` is model `qwen3:4b`). */
export function parseModelSpec(spec: string): ParsedSpec {
  const trimmed = spec.trim();
  const colon = trimmed.indexOf(":");
  if (colon < 0) throw invalid(spec, "it has no provider prefix");
  const prefix = trimmed.slice(0, colon);
  const rest = trimmed.slice(colon + 1).trim();
  const provider = PROVIDERS.find((name) => name === prefix);
  if (provider === undefined) throw invalid(spec, `unknown provider "${prefix}"`);
  if (rest === "") throw invalid(spec, "the model name is empty");
  if (provider === "openai-compatible") {
    const hash = rest.lastIndexOf("#");
    const baseUrl = (hash < 0 ? rest : rest.slice(0, hash)).replace(/\/+$/, "");
    const model = hash < 0 ? "" : rest.slice(hash + 1).trim();
    if (!/^https?:\/\/[^/]+/.test(baseUrl))
      throw invalid(spec, "the base URL must start with http:// or https://");
    if (model === "") throw invalid(spec, "the model name after `#` is missing");
    return { provider, spec: trimmed, model, baseUrl };
  }
  if (provider === "llamacpp") {
    return { provider, spec: trimmed, model: rest, source: rest.startsWith("hf:") ? "hf" : "path" };
  }
  return { provider, spec: trimmed, model: rest };
}
