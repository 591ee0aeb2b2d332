/**
 * The argument of a `FINAL(...)` written outside code: everything up to the matching parenthesis,
 * skipping parentheses inside Python string literals. Prose answers often hold an apostrophe
 * ("Bob's (red) car") that is not a quote at all, so when the quote-aware scan finds no match the
 * scan is repeated counting parentheses only, and a reply cut off mid-answer keeps what it has.
 */

export function readFinalArgument(text: string, openParen: number): string {
  const quoteAware = matchParen(text, openParen, true);
  if (quoteAware !== undefined) return text.slice(openParen + 1, quoteAware);
  const plain = matchParen(text, openParen, false);
  if (plain !== undefined) return text.slice(openParen + 1, plain);
  return text.slice(openParen + 1).replace(/\)\s*$/, "");
}

/** Index of the parenthesis closing the one at `openParen`, or undefined. */
function matchParen(text: string, openParen: number, quotes: boolean): number | undefined {
  let depth = 0;
  let quote: string | undefined;
  for (let index = openParen; index < text.length; index++) {
    const character = text[index];
    if (quote !== undefined) {
      if (character === "\\") index++;
      else if (text.startsWith(quote, index)) {
        index += quote.length - 1;
        quote = undefined;
      }
      continue;
    }
    if (quotes && (character === '"' || character === "'")) {
      const triple = character.repeat(3);
      quote = text.startsWith(triple, index) ? triple : character;
      index += quote.length - 1;
    } else if (character === "(") depth++;
    else if (character === ")") {
      depth--;
      if (depth === 0) return index;
    }
  }
  return undefined;
}

const ESCAPES: Record<string, string> = {
  n: "\n",
  t: "\t",
  r: "\r",
  "\\": "\\",
  "'": "'",
  '"': '"',
  "0": "\0",
};

/**
 * The value of a Python string literal (`"..."`, `'...'`, triple-quoted, with an optional r/f/u
 * prefix) when `source` is exactly one literal; undefined otherwise.
 */
export function unquotePythonString(source: string): string | undefined {
  const match = /^([rRuUfF]?)("""|'''|"|')([\s\S]*)\2$/.exec(source);
  if (!match) return undefined;
  const [, prefix = "", quote = "", body = ""] = match;
  // `"a" + "b"` also starts and ends with a quote: reject bodies holding an unescaped closing quote.
  if (quote.length === 1 && new RegExp(`(^|[^\\\\])${quote}`).test(body)) return undefined;
  if (prefix.toLowerCase() === "r") return body;
  return body.replace(/\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)/gs, (whole, sequence: string) => {
    if (sequence.length > 1) return String.fromCharCode(Number.parseInt(sequence.slice(1), 16));
    return ESCAPES[sequence] ?? whole;
  });
}
