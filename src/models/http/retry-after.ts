/**
 * Seconds to wait from a response's `retry-after-ms` (OpenAI) or `Retry-After` header (seconds or
 * an HTTP date); undefined when the server did not say.
 */
export function parseRetryAfter(
  headers: { get(name: string): string | null },
  now = Date.now(),
): number | undefined {
  const milliseconds = headers.get("retry-after-ms");
  if (milliseconds !== null && milliseconds.trim() !== "") {
    const value = Number(milliseconds);
    if (Number.isFinite(value) && value >= 0) return value / 1000;
  }
  const header = headers.get("retry-after");
  if (header === null || header.trim() === "") return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds);
  const date = Date.parse(header);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, (date - now) / 1000);
}
