import type { RlmConfig } from "../config/index.js";
import type { RLMOptions } from "../rlm/types.js";

/**
 * The RLM options a resolved configuration stands for. Backend settings travel as the environment
 * the pool hands to `createModel`, so a key or host from the config file reaches every model the
 * run creates, sub-models included (`llm_query(model=...)` may only name the models configured here).
 */
export function rlmOptionsFrom(config: RlmConfig): RLMOptions {
  return {
    model: config.model,
    subModel: config.subModel,
    ...(config.allowModels.length > 0 ? { allowedSubModels: config.allowModels } : {}),
    ...(config.maxDepth !== undefined ? { maxDepth: config.maxDepth } : {}),
    ...(config.concurrency !== undefined ? { concurrency: config.concurrency } : {}),
    limits: config.limits,
    sandbox: { ...config.sandbox },
    pool: { modelConfig: { env: config.environment, llamacpp: { ...config.llamacpp } } },
  };
}
