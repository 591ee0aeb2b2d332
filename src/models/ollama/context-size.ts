import type { ChatMessage } from "../types.js";

/**
 * Token estimates without the model's tokenizer (Ollama's API has none). ASCII text runs about 4
 * characters a token (English) down to about 3 (code); other scripts about 1-2 tokens a character.
 */
const PER_MESSAGE_OVERHEAD = 8;

function bytesOf(messages: ChatMessage[]): number {
  let total = 0;
  for (const message of messages) total += Buffer.byteLength(message.content, "utf8");
  return total;
}

/** A generous estimate, for sizing `num_ctx` so the prompt is not cut: 3 ASCII characters or half a non-ASCII one per token. */
export function upperTokenEstimate(messages: ChatMessage[]): number {
  let ascii = 0;
  let other = 0;
  for (const message of messages) {
    const text = message.content;
    for (let index = 0; index < text.length; index++) {
      if (text.charCodeAt(index) < 128) ascii++;
      else other++;
    }
  }
  return Math.ceil(ascii / 3) + 2 * other + PER_MESSAGE_OVERHEAD * messages.length;
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

/**
 * Whether Ollama cut the prompt, from the count it evaluated. Its older runner keeps the last
 * `num_ctx` tokens (count = num_ctx); the current one keeps enough to fill half the buffer
 * (count = num_ctx / 2 + 2, ollama/ollama#17427). `num_ctx` is sized above a generous estimate,
 * so a cut means the prompt really was longer than the window we gave it.
 */
export function looksTruncated(promptEvalCount: number, numCtx: number): boolean {
  const half = Math.floor(numCtx / 2) + 2;
  return promptEvalCount >= numCtx || Math.abs(promptEvalCount - half) <= 2;
}
