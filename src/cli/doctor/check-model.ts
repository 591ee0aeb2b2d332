import { EMBEDDED_MODEL } from "../../config/index.js";
import { isRlmError } from "../../errors/index.js";
import { backendOf, type ParsedSpec, parseModelSpec } from "../../models/index.js";
import type { Check } from "./check.js";

/**
 * Whether a model spec can be served right now: its backend's own check (`check` in the backend's
 * descriptor: the server answers, the key is accepted, the model is there), through the models'
 * HTTP layer. Each failure names the fix. Read-only: nothing is pulled or loaded.
 */

export interface CheckModelOptions {
  environment: Record<string, string | undefined>;
  timeoutMs?: number;
}

/** Added to "not reachable" fixes: the way out when no model server runs at all. */
const EMBEDDED_OFFER = `no server at all? use the embedded engine: --model ${EMBEDDED_MODEL}`;

export async function checkModel(spec: string, label: string, options: CheckModelOptions): Promise<Check> {
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
  const backend = backendOf(parsed);
  try {
    const [baseUrl = ""] = backend.endpoints(parsed, { env: options.environment });
    const found = await backend.check(parsed, {
      environment: options.environment,
      timeoutMs: options.timeoutMs ?? 5_000,
      baseUrl,
      noServerFix: EMBEDDED_OFFER,
    });
    return { name: label, ...found };
  } catch (error) {
    // The endpoints refuse a malformed OLLAMA_HOST with an RlmError that says how to fix it.
    if (isRlmError(error))
      return { name: label, status: "fail", code: "invalid-config", detail: error.message, fix: error.hint };
    throw error;
  }
}
