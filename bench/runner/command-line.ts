/** What the standalone bench commands (`bench/<name>/main.ts`) share: reading an option, a median. */

/** The value after `--name` on the command line, else `fallback`. */
export function argument(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}

/** The value after `--name`, `bare` when the option is last with no value, undefined without it. */
export function optionalArgument(name: string, bare = ""): string | undefined {
  return process.argv.includes(`--${name}`) ? argument(name, bare) : undefined;
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
