/**
 * The metadata the root model gets about a context instead of the context itself: its type,
 * size, part lengths and names, and a short preview of its start.
 */

import type { ContextInput, LoadInfo } from "../sandbox/types.js";
import type { ContextDescription } from "./prompts.js";

const PREVIEW_CHARS = 200;

export function describeContext(context: ContextInput, load: LoadInfo, variable: string): ContextDescription {
  return {
    type: load.type,
    totalChars: load.totalChars,
    partLengths: load.partLengths,
    keys: load.keys,
    json: load.json === true,
    preview: preview(context),
    variable,
  };
}

function preview(context: ContextInput): string {
  if (typeof context === "string") return context.slice(0, PREVIEW_CHARS);
  const first = Array.isArray(context) ? context[0] : Object.values(context)[0];
  const text = typeof first === "string" ? first : first === undefined ? "" : JSON.stringify(first);
  return text.slice(0, PREVIEW_CHARS);
}
