/**
 * What the simulated reader "understands": the phrasings a capable model recognises without being
 * told them. It knows which sentences say someone moved (not visited), and which label a customer
 * message carries. This is the simulation's language model; the root policies never use it.
 */

import { RELOCATION_TEMPLATES } from "../tasks/people.js";
import { LABELS, type Label, RECORD_TEMPLATES } from "../tasks/record-language.js";
import { CITIES } from "../tasks/vocabulary.js";

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A template as a pattern: slots become lazy groups; case-insensitive (sentences start capitalised). */
function templatePattern(template: string): RegExp {
  const parts = template
    .split(/(\{\w+\})/)
    .map((part) => (/^\{\w+\}$/.test(part) ? "(.+?)" : escapeRegExp(part)));
  return new RegExp(`^${parts.join("")}$`, "i");
}

const LABEL_PATTERNS: [Label, RegExp][] = LABELS.flatMap((label) =>
  RECORD_TEMPLATES[label].map((template) => [label, templatePattern(template)] as [Label, RegExp]),
);

export function labelOf(message: string): Label | undefined {
  const text = message.trim();
  for (const [label, pattern] of LABEL_PATTERNS) if (pattern.test(text)) return label;
  return undefined;
}

const RELOCATION_PATTERNS = RELOCATION_TEMPLATES.map((template) => {
  const pattern = templatePattern(template).source.replace(/^\^/, "").replace(/\$$/, "");
  return new RegExp(pattern, "i");
});

/** The city a sentence says `name` moved to, if it says so. */
export function relocationCity(sentence: string, name: string): string | undefined {
  if (!sentence.includes(name)) return undefined;
  if (!RELOCATION_PATTERNS.some((pattern) => pattern.test(sentence))) return undefined;
  return CITIES.find((city) => sentence.includes(city));
}

/** Sentences of a text (full stop, question or exclamation mark followed by space or end). */
export function sentencesOf(text: string): string[] {
  return text.split(/(?<=[.!?])\s+/);
}
