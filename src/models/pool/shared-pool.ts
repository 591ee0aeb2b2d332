import { setMaxListeners } from "node:events";
import { RlmError } from "../../errors/index.js";
import type { ChatMessage, ChatOptions, LanguageModel } from "../types.js";
import { CallCache, type ReplyStore } from "./call-cache.js";
import { createModelPool } from "./create-model-pool.js";
import type { ModelPool, ModelPoolOptions } from "./types.js";
import { UsageCounter, withUsage } from "./usage.js";
import { withCache } from "./with-cache.js";
import { withPoolSignal } from "./with-signal.js";

/**
 * One model pool for many runs (every request of `rlm serve`, every task of `rlm batch` and
 * `rlm worker`), so `--concurrency` bounds the calls in flight to a backend across all runs (a
 * pool per run would multiply it by the number of runs). Each run
 * sees it through a pool of its own (`forRun`), handed to its RLM as `createPool`: calls go through
 * the shared concurrency limit, retries, endpoints and timeouts, while usage is counted per run (its
 * budget and its response must not include other requests' tokens) and closing the run's pool
 * cancels that run's calls only. The on-disk cache, when configured, sits in the run's layer, so a
 * cached reply counts as cached for the run and takes no shared slot.
 */

export interface SharedModelPool {
  /**
   * A pool for one run: the shared backends, this run's usage, cancelled by its own `close()`.
   * `store`: a reply cache for this run only (a batch task's, in Redis), instead of `cacheDir`'s.
   */
  forRun(store?: ReplyStore): ModelPool;
  /** Closes the shared pool: every run's calls still in flight are cancelled. */
  close(): Promise<void>;
}

export function createSharedModelPool(options: ModelPoolOptions): SharedModelPool {
  const { cacheDir, ...sharedOptions } = options;
  const shared = createModelPool(sharedOptions);
  const cache = cacheDir === undefined ? undefined : new CallCache(cacheDir);
  return {
    forRun: (store) => runPool(shared, options, store ?? cache),
    close: () => shared.close(),
  };
}

function runPool(shared: ModelPool, options: ModelPoolOptions, cache: ReplyStore | undefined): ModelPool {
  const counter = new UsageCounter();
  const closing = new AbortController();
  // Every call of the run listens to this signal; a run with many sub-calls is normal, not a leak.
  setMaxListeners(0, closing.signal);
  const models = new WeakMap<LanguageModel, LanguageModel>();
  return {
    get(model) {
      if (closing.signal.aborted) {
        throw new RlmError("pool-closed", "The run's model pool is closed.", {
          hint: "The run has ended; start a new request.",
        });
      }
      const inner = shared.get(model);
      let wrapped = models.get(inner);
      if (wrapped === undefined) {
        wrapped = withoutRepeatedWarnings(withUsage(inner, counter, options.prices));
        if (cache !== undefined) wrapped = withCache(wrapped, cache, counter);
        wrapped = withPoolSignal(wrapped, closing.signal);
        models.set(inner, wrapped);
      }
      return wrapped;
    },
    usage: () => counter.snapshot(),
    async close() {
      if (closing.signal.aborted) return;
      closing.abort(
        new RlmError("pool-closed", "The run ended while this call was running.", {
          hint: "Calls left running by a finished run are cancelled.",
        }),
      );
    },
  };
}

/**
 * Both layers count usage and both warn once about a model without a price: the shared pool on the
 * server's first call, each run on its own first. The run's warning is the one that matters (it
 * reaches that run's trajectory); the same text twice in one reply is noise.
 */
function withoutRepeatedWarnings(model: LanguageModel): LanguageModel {
  return {
    spec: model.spec,
    info: (options) => model.info(options),
    stream: (messages: ChatMessage[], options?: ChatOptions) => model.stream(messages, options),
    async chat(messages, options) {
      const result = await model.chat(messages, options);
      if (result.warnings === undefined || result.warnings.length < 2) return result;
      return { ...result, warnings: [...new Set(result.warnings)] };
    },
  };
}
