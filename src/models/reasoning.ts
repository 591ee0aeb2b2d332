/**
 * Thinking text that a server leaves inside the answer as `<think>...</think>` (llama.cpp server
 * without a reasoning parser, older Ollama, raw Qwen3/DeepSeek templates), split from the answer.
 */

const OPEN = "<think>";
const CLOSE = "</think>";

/** Splits a complete reply. Text before `<think>` and after `</think>` is the answer. */
export function splitThinkTags(content: string): { text: string; reasoning: string | undefined } {
  const start = content.indexOf(OPEN);
  const close = content.indexOf(CLOSE);
  // Templates that open `<think>` in the prompt leave only the closing tag in the reply.
  if (close >= 0 && (start < 0 || close < start)) {
    return {
      text: content.slice(close + CLOSE.length).replace(/^\s+/, ""),
      reasoning: content.slice(0, close),
    };
  }
  if (start < 0) return { text: content, reasoning: undefined };
  const end = content.indexOf(CLOSE, start + OPEN.length);
  if (end < 0) return { text: content.slice(0, start), reasoning: content.slice(start + OPEN.length) };
  return {
    text: (content.slice(0, start) + content.slice(end + CLOSE.length)).replace(/^\s+/, ""),
    reasoning: content.slice(start + OPEN.length, end),
  };
}

export type SplitPiece = { type: "text-delta" | "reasoning-delta"; text: string };

/**
 * The streaming form: feed content deltas, get text and reasoning pieces. Holds back only what
 * could be the start of a tag split across two deltas.
 */
export class ThinkTagSplitter {
  private inside = false;
  private pending = "";
  /** Set after `</think>`: the whitespace that follows it is template noise. */
  private trimLeading = false;

  push(delta: string): SplitPiece[] {
    this.pending += delta;
    const pieces: SplitPiece[] = [];
    while (this.pending.length > 0) {
      // Outside, a stray `</think>` (the template opened the block in the prompt) is dropped.
      const tags = this.inside ? [CLOSE] : [OPEN, CLOSE];
      const found = tags
        .map((tag) => ({ tag, index: this.pending.indexOf(tag) }))
        .filter((candidate) => candidate.index >= 0)
        .sort((first, second) => first.index - second.index)[0];
      if (found) {
        this.emit(pieces, this.pending.slice(0, found.index));
        this.pending = this.pending.slice(found.index + found.tag.length);
        if (found.tag === OPEN || this.inside) this.inside = !this.inside;
        if (found.tag === CLOSE) this.trimLeading = true;
        continue;
      }
      const keep = Math.max(...tags.map((tag) => partialTagLength(this.pending, tag)));
      this.emit(pieces, this.pending.slice(0, this.pending.length - keep));
      this.pending = this.pending.slice(this.pending.length - keep);
      break;
    }
    return pieces;
  }

  /** What is left at the end of the stream. */
  flush(): SplitPiece[] {
    const pieces: SplitPiece[] = [];
    this.emit(pieces, this.pending);
    this.pending = "";
    return pieces;
  }

  private emit(pieces: SplitPiece[], text: string): void {
    if (text === "") return;
    if (this.inside) {
      pieces.push({ type: "reasoning-delta", text });
      return;
    }
    // The answer's leading whitespace right after `</think>` is template noise.
    const trimmed = this.trimLeading ? text.replace(/^\s+/, "") : text;
    if (trimmed === "") return;
    this.trimLeading = false;
    pieces.push({ type: "text-delta", text: trimmed });
  }
}

/** Length of the longest suffix of `text` that is a prefix of `tag`. */
function partialTagLength(text: string, tag: string): number {
  for (let length = Math.min(tag.length - 1, text.length); length > 0; length--) {
    if (tag.startsWith(text.slice(text.length - length))) return length;
  }
  return 0;
}
