import type { ChatChunk, ChatMessage, ChatOptions, ChatResult, LanguageModel } from "../types.js";
import { storedChunks, storingStream } from "./stored-reply.js";

/**
 * Durable runs: a call that carries its place in the run's record (`options.recording`) is answered
 * from the record when it holds a reply (no request, no retry, no concurrency slot), and a reply
 * the backend gives is kept in the record as soon as it arrives. Sits under the usage layer, so a
 * recorded reply counts against the run's budgets as it did when it was paid for.
 */
export function withRecording(model: LanguageModel): LanguageModel {
  return {
    spec: model.spec,
    info: (options) => model.info(options),
    async chat(messages: ChatMessage[], options?: ChatOptions): Promise<ChatResult> {
      const recording = options?.recording;
      if (recording === undefined) return model.chat(messages, options);
      const recorded = recording.recorded();
      if (recorded !== undefined) return recorded;
      const started = performance.now();
      const result = await model.chat(messages, options);
      recording.keep(result, performance.now() - started);
      return result;
    },
    stream(messages: ChatMessage[], options?: ChatOptions): AsyncIterable<ChatChunk> {
      const recording = options?.recording;
      if (recording === undefined) return model.stream(messages, options);
      const recorded = recording.recorded();
      if (recorded !== undefined) return toAsync(storedChunks(recorded));
      const started = performance.now();
      return storingStream(model.stream(messages, options), (result) =>
        recording.keep(result, performance.now() - started),
      );
    },
  };
}

async function* toAsync(chunks: Iterable<ChatChunk>): AsyncIterable<ChatChunk> {
  yield* chunks;
}
