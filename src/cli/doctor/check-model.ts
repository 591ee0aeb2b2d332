import { EMBEDDED_MODEL, type LlamaCppConfig } from "../../config/index.js";
import { isRlmError } from "../../errors/index.js";
import {
  type BackendCheck,
  backendOf,
  createModel,
  type ModelConfig,
  type ParsedSpec,
  parseModelSpec,
} from "../../models/index.js";
import { sampleOpening } from "../../rlm/prompts.js";
import type { Check } from "./check.js";

/**
 * Whether a model spec can be served right now: its backend's own check (`check` in the backend's
 * descriptor: the server answers, the key is accepted, the model is there; an in-process model is
 * loaded and generates a token), through the models' HTTP layer. Each failure names the fix.
 * Nothing is pulled or downloaded. With `call` (`rlm doctor`), a check that passed without calling
 * the model is followed by one real call of one token, so "ok" means the model answered.
 */

export interface CheckModelOptions {
  environment: Record<string, string | undefined>;
  timeoutMs?: number;
  /** The settings of `llamacpp:` models, as a run would create them. */
  llamacpp?: LlamaCppConfig;
  /** The root model: its opening prompt must fit its window (checked where the backend counts tokens). */
  root?: boolean;
  /** After a passing check that made no call, make one real call of one token (`rlm doctor`). */
  call?: boolean;
  /** How long that call may take (it may load the model first). Default 60 s. */
  callTimeoutMs?: number;
}

/** Added to "not reachable" fixes: the way out when no model server runs at all. */
const EMBEDDED_OFFER = `no server at all? use the embedded engine: --model ${EMBEDDED_MODEL}`;
const DEFAULT_CALL_TIMEOUT_MS = 60_000;

/** One call of one token through the backend, as a run would make it (no pool, so no retries). */
async function realCall(spec: string, config: ModelConfig, timeoutMs: number): Promise<BackendCheck> {
  const started = performance.now();
  try {
    await createModel(spec, config).chat([{ role: "user", content: "Reply with the word OK." }], {
      maxTokens: 1,
      temperature: 0,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === "TimeoutError";
    return {
      status: "fail",
      code: isRlmError(error) ? error.code : timedOut ? "timeout" : "run-failed",
      detail: timedOut
        ? `a 1-token call did not answer within ${timeoutMs / 1000} s.`
        : `a 1-token call failed: ${isRlmError(error) ? error.message : String(error)}`,
      ...(isRlmError(error) && error.hint ? { fix: error.hint } : {}),
    };
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  return { status: "ok", detail: `A 1-token call answered in ${seconds} s.` };
}

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
  const config: ModelConfig = {
    env: options.environment,
    ...(options.llamacpp ? { llamacpp: options.llamacpp } : {}),
  };
  let found: BackendCheck;
  try {
    const [baseUrl = ""] = backend.endpoints(parsed, config);
    found = await backend.check(parsed, {
      environment: options.environment,
      timeoutMs: options.timeoutMs ?? 5_000,
      baseUrl,
      noServerFix: EMBEDDED_OFFER,
      config,
      ...(options.root ? { rootPrompt: (window: number) => sampleOpening(window) } : {}),
    });
  } catch (error) {
    // The endpoints refuse a malformed OLLAMA_HOST with an RlmError that says how to fix it.
    if (isRlmError(error))
      return { name: label, status: "fail", code: "invalid-config", detail: error.message, fix: error.hint };
    throw error;
  }
  if (!options.call || found.status !== "ok" || found.calledModel) return { name: label, ...found };
  const called = await realCall(spec, config, options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS);
  if (called.status === "ok") return { name: label, ...found, detail: `${found.detail} ${called.detail}` };
  return { name: label, ...called, detail: `${found.detail} But ${called.detail}` };
}
