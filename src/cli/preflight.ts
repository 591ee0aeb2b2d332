import type { RlmConfig } from "../config/index.js";
import { RlmError } from "../errors/index.js";
import { checkModel } from "./doctor/check-model.js";

/**
 * Before reading a large input or booting Python, make sure the configured backends answer and
 * have the models: a refused connection or a model not pulled is then reported in one clear
 * sentence (with the fix, and the embedded engine as a way out) instead of after retries. A
 * `llamacpp:` model is loaded here (the run reuses the load) and its window checked against the
 * opening prompt; HTTP models get no real call (that is `rlm doctor`'s).
 */
export async function preflight(config: RlmConfig, timeoutMs = 5_000): Promise<void> {
  const specs = [...new Set([config.model, config.subModel])];
  const checks = await Promise.all(
    specs.map((spec) =>
      checkModel(spec, spec, {
        environment: config.environment,
        timeoutMs,
        llamacpp: config.llamacpp,
        root: spec === config.model,
      }),
    ),
  );
  const failed = checks.find((check) => check.status === "fail");
  if (!failed) return;
  throw new RlmError(failed.code ?? "backend-unreachable", `${failed.name}: ${failed.detail}`, {
    hint: failed.fix,
  });
}
