/**
 * Python syntax highlighting for code blocks: a small tokenizer (one regular expression) that
 * splits code into comments, strings, numbers, keywords, builtins (the REPL's own functions among
 * them) and the rest. Each token becomes a text node inside a `span` with a class, never markup,
 * so code from a trajectory cannot inject anything. Good enough for reading, not a parser: an
 * unterminated string runs to the end of its line.
 */

import { element } from "./dom.js";

const KEYWORDS = new Set(
  (
    "False None True and as assert async await break class continue def del elif else except finally " +
    "for from global if import in is lambda nonlocal not or pass raise return try while with yield match case"
  ).split(" "),
);

const BUILTINS = new Set(
  (
    "print len range enumerate zip map filter sorted sum min max abs any all str int float bool list dict " +
    "set tuple type isinstance open repr round reversed format hasattr getattr setattr iter next " +
    "llm_query llm_query_batched rlm_query rlm_query_batched FINAL FINAL_VAR SHOW_VARS context"
  ).split(" "),
);

const TOKEN =
  /(#[^\n]*)|([rRbBuUfF]{0,2}(?:"""[\s\S]*?(?:"""|$)|'''[\s\S]*?(?:'''|$)|"(?:\\.|[^"\\\n])*(?:"|$|(?=\n))|'(?:\\.|[^'\\\n])*(?:'|$|(?=\n))))|(\b(?:0[xob][\da-f_]+|\d[\d_]*\.?[\d_]*(?:e[+-]?\d+)?j?)\b)|([A-Za-z_]\w*)/gi;

export type TokenKind = "comment" | "string" | "number" | "keyword" | "builtin" | "plain";

/** The code cut into tokens; the texts joined give back the code exactly. */
export function tokenizePython(code: string): [TokenKind, string][] {
  const tokens: [TokenKind, string][] = [];
  let last = 0;
  for (const match of code.matchAll(TOKEN)) {
    const at = match.index ?? 0;
    if (match[0] === "") continue;
    if (at > last) tokens.push(["plain", code.slice(last, at)]);
    const [text, comment, string, number, name] = match;
    const kind: TokenKind =
      comment !== undefined
        ? "comment"
        : string !== undefined
          ? "string"
          : number !== undefined
            ? "number"
            : name !== undefined && KEYWORDS.has(name)
              ? "keyword"
              : name !== undefined && BUILTINS.has(name)
                ? "builtin"
                : "plain";
    const previous = tokens.at(-1);
    if (kind === "plain" && previous?.[0] === "plain") previous[1] += text;
    else tokens.push([kind, text]);
    last = at + text.length;
  }
  if (last < code.length) tokens.push(["plain", code.slice(last)]);
  return tokens;
}

/** The code as nodes: plain text, and spans `tok-KIND` for the rest. */
export function highlightPython(code: string): Node[] {
  return tokenizePython(code).map(([kind, text]) =>
    kind === "plain" ? document.createTextNode(text) : element("span", `tok-${kind}`, text),
  );
}
