/**
 * The scripted sub-model: answers one `llm_query` prompt by reading the excerpt in it. It finds
 * the question and the excerpt in the prompt (the shape the scripted root's Python writes), looks
 * for incident lines in the excerpt with a regular expression, and replies one line per incident,
 * or `none` when the excerpt has none. It knows nothing but the prompt: no document, no seed.
 */

export const NONE = "none";

const EXCERPT_MARKER = "\n\nExcerpt:\n";

/** `<time> <level> <service> incident INC-1234 opened by <who>: <symptom>. Root cause: <cause>.` */
const INCIDENT_LINE =
  /^(\S+)[ \t]+\w+[ \t]+\S+[ \t]+incident (INC-\d+) opened by [^:\n]+: ([^\n]+?)\. Root cause: ([^\n]+?)\.?[ \t]*$/gm;

export function readerReply(prompt: string): string {
  const question = /^Question: (.+)$/m.exec(prompt)?.[1];
  const at = prompt.indexOf(EXCERPT_MARKER);
  // Not a question over an excerpt: nothing it can read the answer from.
  if (question === undefined || at < 0) return NONE;
  // The only kind of question this script can read for.
  if (!/\bincidents?\b/i.test(question)) return NONE;
  const excerpt = prompt.slice(at + EXCERPT_MARKER.length);
  const found = [...excerpt.matchAll(INCIDENT_LINE)].map(
    ([, time, id, symptom, cause]) => `${id} | ${time} | ${symptom} | ${cause}`,
  );
  return found.length > 0 ? found.join("\n") : NONE;
}
