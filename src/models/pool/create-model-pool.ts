import { setMaxListeners } from "node:events";
import { RlmError } from "../../errors/index.js";
import { asLanguageModel, type ModelRef } from "../model-ref.js";
import type { LanguageModel } from "../types.js";
import { CallCache } from "./call-cache.js";
import { withConcurrencyLimit } from "./concurrency.js";
import type { PoolEndpoint } from "./endpoint-dispatcher.js";
import { EndpointState } from "./endpoint-state.js";
import { type ResolvedEndpoint, resolveEndpoints } from "./resolve-endpoints.js";
import { withTimeout } from "./timeout.js";
import type { ModelPool, ModelPoolOptions } from "./types.js";
import { UsageCounter, withUsage } from "./usage.js";
import { withCache } from "./with-cache.js";
import { withRecording } from "./with-recording.js";
import { type RetryOptions, withRetries } from "./with-retries.js";
import { withPoolSignal } from "./with-signal.js";

function invalidOption(name: string, value: unknown, expected: string): RlmError {
  return new RlmError(
    "invalid-config",
    `Model pool option ${name} must be ${expected}, got ${String(value)}.`,
    {
      hint: `Fix ${name} in the options given to createModelPool().`,
    },
  );
}

function wholeNumber(name: string, value: number | undefined, fallback: number, minimum: number): number {
  const chosen = value ?? fallback;
  if (!Number.isInteger(chosen) || chosen < minimum)
    throw invalidOption(name, value, `a whole number >= ${minimum}`);
  return chosen;
}

function duration(name: string, value: number | undefined, fallback: number): number {
  const chosen = value ?? fallback;
  if (!Number.isFinite(chosen) || chosen < 0) throw invalidOption(name, value, "a number >= 0");
  return chosen;
}

/**
 * Creates the pool in front of the model backends. `get(spec)` builds the backend(s) once and
 * returns the same wrapped model on every later call; wrappers, outermost first: pool signal
 * (close cancels), cache (only with `cacheDir`), usage, recording (durable runs: under usage, so a
 * recorded reply is counted; above retries, so it needs no slot), retries over the endpoints, then
 * per endpoint the concurrency limit and the per-call timeout.
 */
export function createModelPool(options: ModelPoolOptions = {}): ModelPool {
  const concurrency = wholeNumber("concurrency", options.concurrency, 16, 1);
  const timeoutMs = duration("timeoutMs", options.timeoutMs, 600_000);
  const retry: RetryOptions = {
    maxRetries: wholeNumber("maxRetries", options.maxRetries, 4, 0),
    baseDelayMs: duration("retryBaseDelayMs", options.retryBaseDelayMs, 500),
    maxDelayMs: duration("maxRetryDelayMs", options.maxRetryDelayMs, 30_000),
    maxRetryAfterSeconds: duration("maxRetryAfterSeconds", options.maxRetryAfterSeconds, 120),
  };
  const counter = new UsageCounter();
  const cache = options.cacheDir === undefined ? undefined : new CallCache(options.cacheDir);
  const endpointStates = new Map<string, EndpointState>();
  const models = new Map<string, LanguageModel>();
  const wrapped = new WeakMap<LanguageModel, LanguageModel>();
  const closing = new AbortController();
  // Every running call listens to the pool's signal; hundreds at once is normal, not a leak.
  setMaxListeners(0, closing.signal);

  function poolEndpoint(resolved: ResolvedEndpoint): PoolEndpoint {
    let state = endpointStates.get(resolved.key);
    if (state === undefined) {
      state = new EndpointState(resolved.key, Math.min(concurrency, resolved.capacity ?? concurrency));
      endpointStates.set(resolved.key, state);
    }
    const model = withConcurrencyLimit(withTimeout(resolved.model, timeoutMs), state.slots);
    return { state, model };
  }

  function build(spec: string, endpoints: ResolvedEndpoint[]): LanguageModel {
    let model = withRetries(spec, endpoints.map(poolEndpoint), retry);
    model = withRecording(model);
    model = withUsage(model, counter, options.prices);
    if (cache !== undefined) model = withCache(model, cache, counter);
    return withPoolSignal(model, closing.signal);
  }

  function checkOpen(): void {
    if (closing.signal.aborted) {
      throw new RlmError("pool-closed", "The model pool is closed.", {
        hint: "Create a new pool with createModelPool().",
      });
    }
  }

  return {
    get(ref: ModelRef): LanguageModel {
      checkOpen();
      if (typeof ref !== "string") {
        const model = asLanguageModel(ref);
        let pooled = wrapped.get(model);
        if (pooled === undefined) {
          pooled = build(model.spec, [{ key: model.spec, model }]);
          wrapped.set(model, pooled);
        }
        return pooled;
      }
      const model = ref;
      let pooled = models.get(model);
      if (pooled === undefined) {
        pooled = build(model, resolveEndpoints(model, options.modelConfig));
        models.set(model, pooled);
      }
      return pooled;
    },
    usage: () => counter.snapshot(),
    async close(): Promise<void> {
      if (closing.signal.aborted) return;
      closing.abort(
        new RlmError("pool-closed", "The model pool was closed while the call was running.", {
          hint: "Close the pool only after its calls have finished.",
        }),
      );
    },
  };
}
