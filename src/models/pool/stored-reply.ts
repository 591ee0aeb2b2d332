/**
 * What the two pool layers that answer without a request (the on-disk cache, a run's record) share:
 * a stored reply handed out as the chunks a live stream would have produced, and a live stream
 * collected into the reply to store.
 */

import type { ChatChunk, ChatResult } from "../types.js";

export function* storedChunks(result: ChatResult): Iterable<ChatChunk> {
  if (result.reasoning) yield { type: "reasoning-delta", text: result.reasoning };
  if (result.text) yield { type: "text-delta", text: result.text };
  yield { type: "finish", usage: result.usage, finishReason: result.finishReason };
}

/**
 * Passes `stream` on chunk by chunk; when its `finish` chunk arrives, hands the whole reply to
 * `store` before passing that chunk on, so a consumer that stops right there still stores.
 */
export async function* storingStream(
  stream: AsyncIterable<ChatChunk>,
  store: (result: ChatResult) => Promise<void> | void,
): AsyncIterable<ChatChunk> {
  let text = "";
  let reasoning = "";
  for await (const chunk of stream) {
    if (chunk.type === "text-delta") text += chunk.text;
    else if (chunk.type === "reasoning-delta") reasoning += chunk.text;
    else {
      const result: ChatResult = { text, usage: chunk.usage, finishReason: chunk.finishReason };
      if (reasoning !== "") result.reasoning = reasoning;
      await store(result);
    }
    yield chunk;
  }
}
