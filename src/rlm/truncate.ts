/**
 * Head-and-tail truncation for text shown back to the root model: the start and the end of an
 * output are the parts a model needs most (what began, how it ended), so the middle is cut and the
 * number of characters removed is said in its place.
 */

/** Keeps at most `maxChars` characters of `text` (plus the marker), 60% from the head, 40% from the tail. */
export function truncateMiddle(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const limit = Math.max(0, Math.floor(maxChars));
  const headLength = Math.ceil(limit * 0.6);
  const tailLength = limit - headLength;
  const cut = text.length - headLength - tailLength;
  const head = text.slice(0, headLength);
  const tail = tailLength > 0 ? text.slice(text.length - tailLength) : "";
  return `${head}\n[... ${cut} characters cut ...]\n${tail}`;
}
