import type { ChatMessage } from "../types.js";

/**
 * Token estimates from UTF-8 bytes, without the model's tokenizer (Ollama's API has none). Real
 * text runs about 4 bytes a token (English) down to about 3 (code, CJK), rarely below 2 or above 6.
 */
const PER_MESSAGE_OVERHEAD = 8;

function bytesOf(messages: ChatMessage[]): number {
  let total = 0;
  for (const message of messages) total += Buffer.byteLength(message.content, "utf8");
  return total;
}

/** A generous estimate, for sizing `num_ctx` so the prompt is not cut. */
export function upperTokenEstimate(messages: ChatMessage[]): number {
  return Math.ceil(bytesOf(messages) / 3) + PER_MESSAGE_OVERHEAD * messages.length;
}

/** A cautious estimate: a prompt above the window even by this count cannot fit. */
export function lowerTokenEstimate(messages: ChatMessage[]): number {
  return Math.ceil(bytesOf(messages) / 6);
}

/** Room kept for the reply when the caller did not cap it (thinking models write a lot). */
export const DEFAULT_REPLY_RESERVE = 2_048;

/** Ollama reloads the model when `num_ctx` changes, so it grows in powers of two and never shrinks. */
export function growNumCtx(current: number, needed: number, contextWindow: number): number {
  if (needed <= current) return current;
  let size = current;
  while (size < needed) size *= 2;
  return Math.min(size, contextWindow);
}
