import type { ChatChunk, ChatMessage, ChatOptions, ChatResult, LanguageModel } from "../types.js";
import { cacheKey } from "./cache-key.js";
import type { ReplyStore } from "./call-cache.js";
import { storedChunks, storingStream } from "./stored-reply.js";
import type { UsageCounter } from "./usage.js";

function writeFailedWarning(error: unknown, location: string): string {
  const reason = error instanceof Error ? error.message : String(error);
  return `The reply could not be stored in the call cache at ${location} (${reason}); the call itself succeeded.`;
}

/**
 * Answers a call from the cache (on disk, or any `ReplyStore`) when the same (model, messages, options) was answered
 * before, without any request; stores every new complete reply. A cache hit costs nothing and is
 * counted as `cachedCalls`, not in the token totals. A failed write never fails the call.
 */
export function withCache(model: LanguageModel, cache: ReplyStore, counter: UsageCounter): LanguageModel {
  return {
    spec: model.spec,
    info: (options) => model.info(options),
    async chat(messages: ChatMessage[], options?: ChatOptions): Promise<ChatResult> {
      const key = cacheKey(model.spec, messages, options);
      const cached = await cache.read(key);
      if (cached !== undefined) {
        counter.recordCached(model.spec);
        return cached;
      }
      const result = await model.chat(messages, options);
      try {
        await cache.write(key, model.spec, result);
        return result;
      } catch (error) {
        return {
          ...result,
          warnings: [...(result.warnings ?? []), writeFailedWarning(error, cache.location)],
        };
      }
    },
    async *stream(messages: ChatMessage[], options?: ChatOptions): AsyncIterable<ChatChunk> {
      const key = cacheKey(model.spec, messages, options);
      const cached = await cache.read(key);
      if (cached !== undefined) {
        counter.recordCached(model.spec);
        yield* storedChunks(cached);
        return;
      }
      // A failed write loses only the cache entry; a stream has no warnings channel, and the reply
      // itself is complete, so it is not turned into an error.
      yield* storingStream(model.stream(messages, options), (result) =>
        cache.write(key, model.spec, result).catch(() => undefined),
      );
    },
  };
}
