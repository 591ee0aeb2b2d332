import { InvalidArgumentError } from "commander";

/**
 * Parsers for command-line values, each refusing bad input with a message commander prints as
 * `error: option '--max-cost <usd>' argument 'x' is invalid. ...`.
 */

export function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0)
    throw new InvalidArgumentError("Expected a whole number above 0.");
  return parsed;
}

export function positiveNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError("Expected a number above 0.");
  return parsed;
}

export function port(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65_535)
    throw new InvalidArgumentError("Expected a port, 0-65535.");
  return parsed;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `90` (seconds), `90s`, `1500ms`, `5m`, `1h` -> milliseconds. */
export function duration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError("Expected a duration like 90, 90s, 5m or 1h.");
  const milliseconds = Number(match[1]) * (UNITS[match[2] ?? "s"] as number);
  if (milliseconds <= 0) throw new InvalidArgumentError("Expected a duration above 0.");
  return Math.round(milliseconds);
}
