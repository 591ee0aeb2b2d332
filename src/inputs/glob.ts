/**
 * Just enough glob for quoted command-line patterns (Node 20 has no `fs.glob`): `*`, `?`, `**`,
 * `[...]` and `{a,b}`. A pattern is split into a literal base directory, which is walked, and a
 * matcher for the paths under it.
 */

const MAGIC = /[*?[{]/;

export function isGlob(pattern: string): boolean {
  return MAGIC.test(pattern);
}

/** The leading directories without magic characters: the place to start walking. */
export function globBase(pattern: string): string {
  const segments = pattern.split("/");
  const literal: string[] = [];
  for (const segment of segments.slice(0, -1)) {
    if (isGlob(segment)) break;
    literal.push(segment);
  }
  if (literal.length === 0) return ".";
  const base = literal.join("/");
  return base === "" ? "/" : base;
}

function escapeLiteral(character: string): string {
  return /[.+^$()|\\\]]/.test(character) ? `\\${character}` : character;
}

/** Translates a glob into a regular expression over `/`-separated paths. */
export function globToRegExp(pattern: string): RegExp {
  let source = "";
  let braces = 0;
  for (let index = 0; index < pattern.length; index++) {
    const character = pattern[index] as string;
    if (character === "*") {
      if (pattern[index + 1] === "*") {
        const atSegmentStart = index === 0 || pattern[index - 1] === "/";
        const followedBySlash = pattern[index + 2] === "/";
        index++;
        if (atSegmentStart && followedBySlash) {
          // `**/` matches zero or more whole directories.
          source += "(?:[^/]*/)*";
          index++;
        } else {
          source += ".*";
        }
      } else {
        source += "[^/]*";
      }
    } else if (character === "?") {
      source += "[^/]";
    } else if (character === "[") {
      const end = pattern.indexOf("]", index + 1);
      if (end < 0) {
        source += "\\[";
      } else {
        const inner = pattern
          .slice(index + 1, end)
          .replace(/^!/, "^")
          .replace(/\\/g, "\\\\");
        source += `[${inner}]`;
        index = end;
      }
    } else if (character === "{") {
      braces++;
      source += "(?:";
    } else if (character === "}" && braces > 0) {
      braces--;
      source += ")";
    } else if (character === "," && braces > 0) {
      source += "|";
    } else {
      source += escapeLiteral(character);
    }
  }
  return new RegExp(`^${source}$`);
}
