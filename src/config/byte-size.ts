import { RlmError } from "../errors/index.js";

/**
 * Sizes written by people in environment variables: `1073741824`, `64M`, `1.5G`, `512KiB`. Units
 * are binary (K = 1024), as the limits they set are; a value that does not parse is refused with
 * the variable's name, because a typo that silently kept the default would hide the mistake.
 */

const MULTIPLIERS: Record<string, number> = { "": 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

const SIZE = /^(\d+(?:\.\d+)?)\s*([KMGT]?)(?:I?B)?$/i;

export function parseByteSize(variable: string, text: string): number {
  const match = SIZE.exec(text.trim());
  const multiplier = match ? MULTIPLIERS[(match[2] ?? "").toUpperCase()] : undefined;
  const bytes = match && multiplier !== undefined ? Math.floor(Number(match[1]) * multiplier) : Number.NaN;
  if (!(bytes > 0) || !Number.isSafeInteger(bytes)) {
    throw new RlmError("invalid-config", `${variable} must be a size in bytes, got "${text}".`, {
      hint: `Write a whole number of bytes or a size with a unit: ${variable}=1073741824, or 64M, or 1G.`,
    });
  }
  return bytes;
}
