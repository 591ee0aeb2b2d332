/**
 * Turns a model's free-text answer into the bare answer the scorers compare: the text after a
 * final "Answer:" if there is one, without surrounding quotes, backticks, bold markers or a
 * trailing full stop, lower-cased, whitespace collapsed.
 */

export function normalizeAnswer(text: string): string {
  let answer = text.trim();
  const marked = /(?:^|\n)\s*(?:final\s+)?answer\s*[:=-]\s*([^\n]+)\s*$/i.exec(answer);
  if (marked !== null) answer = marked[1]!;
  answer = answer.replace(/^the answer is\s*/i, "");
  let previous = "";
  while (previous !== answer) {
    previous = answer;
    answer = answer
      .trim()
      .replace(/^[*_`"'([]+|[*_`"')\]]+$/g, "")
      .replace(/[.!;,]+$/, "");
  }
  return answer.replace(/\s+/g, " ").toLowerCase();
}

/** The first number in the answer (commas between digit groups allowed), or undefined. */
export function firstNumber(text: string): number | undefined {
  const match = /-?\d[\d,]*(?:\.\d+)?/.exec(normalizeAnswer(text));
  if (match === null) return undefined;
  const value = Number(match[0].replace(/,/g, ""));
  return Number.isFinite(value) ? value : undefined;
}
