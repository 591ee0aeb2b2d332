/**
 * The metadata the root model gets about a context instead of the context itself: its type,
 * size, part lengths and names, and a short preview of its start.
 */

import { contextParts } from "../sandbox/context-encoding.js";
import { lazyParts } from "../sandbox/context-file.js";
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
    ...(load.lazy === true ? { lazy: true } : {}),
    preview: preview(context),
    variable,
  };
}

function preview(context: ContextInput): string {
  if (typeof context === "string") return context.slice(0, PREVIEW_CHARS);
  const lazy = lazyParts(context);
  if (lazy !== undefined) return (lazy.files[0]?.preview ?? "").slice(0, PREVIEW_CHARS);
  const first = Array.isArray(context) ? context[0] : Object.values(context)[0];
  const text = typeof first === "string" ? first : first === undefined ? "" : JSON.stringify(first);
  return text.slice(0, PREVIEW_CHARS);
}

/** Python's `len` of a text: code points, so a surrogate pair (an emoji) counts once. */
function codePoints(text: string): number {
  let pairs = 0;
  for (let index = 0; index + 1 < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        pairs++;
        index++;
      }
    }
  }
  return text.length - pairs;
}

/**
 * The description the sandbox's load would give, measured here without Python, for the contexts
 * whose Python value is exactly their text (a str, a list or a dict of str; not JSON values, whose
 * lengths are Python's own rendering): the first message can then go out while the sandbox starts.
 * Undefined for the others.
 */
export function describeContextOnHost(
  context: ContextInput,
  variable: string,
): ContextDescription | undefined {
  const lazy = lazyParts(context);
  if (lazy !== undefined) {
    // What `_rlm_load_lazy` reports: sizes in bytes, known without reading a byte.
    const partLengths = lazy.files.map((file) => file.byteLength);
    const total = partLengths.reduce((sum, length) => sum + length, 0);
    const info: LoadInfo = {
      type: lazy.kind,
      totalChars: total,
      partLengths,
      ...(lazy.keys ? { keys: lazy.keys } : {}),
      lazy: true,
      replacedBytes: 0,
      elapsedMs: 0,
      variable: "context",
    };
    return describeContext(context, info, variable);
  }
  const { kind, parts, keys } = contextParts(context);
  if (kind !== "str" && kind !== "list" && kind !== "dict") return undefined;
  const partLengths = parts.map((part) => (typeof part === "string" ? codePoints(part) : Number.NaN));
  if (partLengths.some(Number.isNaN)) return undefined;
  const load: LoadInfo = {
    type: kind,
    totalChars: partLengths.reduce((sum, length) => sum + length, 0),
    partLengths,
    ...(keys ? { keys } : {}),
    replacedBytes: 0,
    elapsedMs: 0,
    variable: "context",
  };
  return describeContext(context, load, variable);
}
