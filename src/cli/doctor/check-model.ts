import { isRlmError } from "../../errors/index.js";
import { type ParsedSpec, parseModelSpec } from "../../models/index.js";
import type { CheckModelOptions } from "./backend-check.js";
import type { Check } from "./check.js";
import { checkAnthropic } from "./check-anthropic.js";
import { checkLlamaCpp } from "./check-llamacpp.js";
import { checkOllama } from "./check-ollama.js";
import { checkOpenAI } from "./check-openai.js";

/**
 * Whether a model spec can be served right now: the backend answers, the key is accepted, and the
 * model is there (Ollama `/api/tags`, OpenAI-style `/v1/models`, Anthropic `/v1/models`). Each
 * failure names the fix. Read-only: nothing is pulled or loaded.
 */

export type { CheckModelOptions };

export async function checkModel(spec: string, label: string, options: CheckModelOptions): Promise<Check> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  let parsed: ParsedSpec;
  try {
    parsed = parseModelSpec(spec);
  } catch (error) {
    const message = isRlmError(error) ? error.message : String(error);
    return {
      name: label,
      status: "fail",
      code: "invalid-model-spec",
      detail: message,
      fix: isRlmError(error) ? error.hint : undefined,
    };
  }
  try {
    switch (parsed.provider) {
      case "ollama":
      case "ollama-cloud":
        return await checkOllama(parsed, label, options, timeoutMs);
      case "openai":
      case "openai-compatible":
        return await checkOpenAI(parsed, label, options, timeoutMs);
      case "anthropic":
        return await checkAnthropic(parsed, label, options, timeoutMs);
      case "llamacpp":
        return checkLlamaCpp(parsed, label);
    }
  } catch (error) {
    // resolveEndpoints refuses a malformed OLLAMA_HOST with an RlmError that says how to fix it.
    if (isRlmError(error))
      return { name: label, status: "fail", code: "invalid-config", detail: error.message, fix: error.hint };
    throw error;
  }
}
