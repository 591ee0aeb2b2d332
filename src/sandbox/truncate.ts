/**
 * Head-and-tail truncation with the number of characters cut, in the same form the Python driver
 * uses for captured output, so text cut on either side of the bridge reads the same.
 */

/** The marker put where the middle was cut. */
export function cutMarker(cut: number): string {
  return `\n[... ${cut} characters cut ...]\n`;
}

/** Keeps at most `maxChars` characters of `text` (plus the marker): 60% from the head, 40% from the tail. */
export function truncateHeadTail(text: string, maxChars: number): string {
  const limit = Math.max(0, Math.floor(maxChars));
  if (text.length <= limit) return text;
  const headLength = Math.floor((limit * 3) / 5);
  const tailLength = limit - headLength;
  const cut = text.length - headLength - tailLength;
  const tail = tailLength > 0 ? text.slice(text.length - tailLength) : "";
  return text.slice(0, headLength) + cutMarker(cut) + tail;
}

/**
 * Collects text chunks (e.g. a child's stderr) keeping at most `maxChars` of head and tail, so a
 * flood cannot grow host memory; `take()` returns the text so far and starts again.
 */
export class HeadTailCollector {
  private head = "";
  private tail = "";
  private total = 0;
  private readonly headLimit: number;
  private readonly tailLimit: number;

  constructor(maxChars: number) {
    this.headLimit = Math.floor((maxChars * 3) / 5);
    this.tailLimit = maxChars - this.headLimit;
  }

  add(text: string): void {
    this.total += text.length;
    let rest = text;
    if (this.head.length < this.headLimit) {
      const room = this.headLimit - this.head.length;
      this.head += rest.slice(0, room);
      rest = rest.slice(room);
    }
    if (rest.length > 0 && this.tailLimit > 0) this.tail = (this.tail + rest).slice(-this.tailLimit);
  }

  take(): string {
    const cut = this.total - this.head.length - this.tail.length;
    const text = cut > 0 ? this.head + cutMarker(cut) + this.tail : this.head + this.tail;
    this.head = "";
    this.tail = "";
    this.total = 0;
    return text;
  }
}
