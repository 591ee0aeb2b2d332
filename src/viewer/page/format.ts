/**
 * How numbers read on the page: seconds, milliseconds, counts and token usage. A number the
 * trajectory did not give (NaN, from the readers) reads "unknown", never 0.
 */

const count = new Intl.NumberFormat("en-US");

export function formatCount(value: number): string {
  if (Number.isNaN(value)) return "unknown";
  return count.format(value);
}

export function formatSeconds(seconds: number): string {
  if (Number.isNaN(seconds)) return "unknown time";
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds.toFixed(2)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
}

export function formatMilliseconds(milliseconds: number): string {
  return formatSeconds(milliseconds / 1000);
}

export function formatTokens(usage: { promptTokens: number; completionTokens: number } | undefined): string {
  if (!usage) return "";
  if (Number.isNaN(usage.promptTokens) && Number.isNaN(usage.completionTokens)) return "tokens unknown";
  return `${formatCount(usage.promptTokens)} in / ${formatCount(usage.completionTokens)} out tokens`;
}

export function formatCost(usd: number): string {
  return usd === 0 ? "$0" : `$${usd.toFixed(usd < 0.01 ? 5 : 3)}`;
}
