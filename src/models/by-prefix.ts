/**
 * The entry of the longest name prefix of `name` in any of the tables (known context windows,
 * list prices), so dated snapshots (`claude-sonnet-4-5-20250929`) find their family.
 */
export function longestPrefixMatch<T>(
  tables: ReadonlyArray<Readonly<Record<string, T>> | undefined>,
  name: string,
): T | undefined {
  let best: [string, T] | undefined;
  for (const table of tables) {
    for (const entry of Object.entries(table ?? {})) {
      if (name.startsWith(entry[0]) && (best === undefined || entry[0].length > best[0].length)) best = entry;
    }
  }
  return best?.[1];
}
