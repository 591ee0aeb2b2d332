import { RlmError } from "../errors/index.js";
import { AI_SDK_PREFIX } from "./ai-sdk/ai-sdk-spec.js";
import type { ParsedSpec } from "./backend.js";
import { BACKENDS, findBackend } from "./backends.js";

export type { ParsedSpec } from "./backend.js";

function invalid(spec: string, why: string): RlmError {
  const forms = BACKENDS.flatMap((backend) => backend.examples).join(", ");
  return new RlmError("invalid-model-spec", `Model spec "${spec}" is not valid: ${why}.`, {
    hint: `Write a spec like one of: ${forms}.`,
  });
}

/**
 * Parses `provider:rest`, the provider naming a backend of the registry, which reads the rest.
 * The model part keeps its own colons (`ollama:qwen3:4b` is model `qwen3:4b`).
 */
export function parseModelSpec(spec: string): ParsedSpec {
  const trimmed = spec.trim();
  const colon = trimmed.indexOf(":");
  if (colon < 0) throw invalid(spec, "it has no provider prefix");
  const provider = trimmed.slice(0, colon);
  const rest = trimmed.slice(colon + 1).trim();
  const backend = findBackend(provider);
  if (provider === AI_SDK_PREFIX)
    throw invalid(
      spec,
      '`ai-sdk:` names an AI SDK model object passed in code (model: openai("gpt-4o")), which a string cannot create',
    );
  if (backend === undefined) throw invalid(spec, `unknown provider "${provider}"`);
  if (rest === "") throw invalid(spec, "the model name is empty");
  const fields = backend.parse?.(rest) ?? { model: rest };
  if ("invalid" in fields) throw invalid(spec, fields.invalid);
  return { provider, spec: trimmed, ...fields };
}
