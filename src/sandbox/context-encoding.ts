/**
 * A context as the Python driver binds it (shared by every runtime): `contextParts` checks it and
 * splits it into its texts; `encodeContext` turns those into the bytes `_rlm_load_bytes` reads:
 * "str" / "bytes" are the text itself; "list" is a JSON line of the parts' byte lengths then the
 * parts; "dict" is a JSON line `{"keys", "lengths"}` then the values. Bytes cross the bridge far
 * faster than strings, and a length-prefixed framing needs no escaping.
 */

import { RlmError } from "../errors/index.js";
import type { ContextInput } from "./types.js";

export type ContextKind = "str" | "list" | "dict" | "bytes";

/** A checked context: its texts in order (one for "str" / "bytes"), and a dict's keys. */
export interface ContextParts {
  kind: ContextKind;
  parts: (string | Uint8Array)[];
  /** Only for "dict": the key of each part. */
  keys?: string[];
}

export interface EncodedContext {
  kind: ContextKind;
  /** One or more byte chunks; their concatenation is the file the driver reads. */
  chunks: Uint8Array[];
  byteLength: number;
}

export function contextParts(context: ContextInput | Uint8Array): ContextParts {
  if (context instanceof Uint8Array) return { kind: "bytes", parts: [context] };
  if (typeof context === "string") return { kind: "str", parts: [context] };
  if (Array.isArray(context)) {
    return { kind: "list", parts: context.map((part, index) => checkText(part, `context[${index}]`)) };
  }
  if (context !== null && typeof context === "object") {
    const keys = Object.keys(context);
    const parts = keys.map((key) => checkText(context[key], `context[${JSON.stringify(key)}]`));
    return { kind: "dict", parts, keys };
  }
  throw badContext(
    `a context must be a string, a list of strings or an object of strings, got ${typeof context}`,
  );
}

export function encodeContext(context: ContextInput | Uint8Array): EncodedContext {
  const { kind, parts, keys } = contextParts(context);
  const bytes = parts.map((part) => (typeof part === "string" ? Buffer.from(part, "utf8") : part));
  const lengths = bytes.map((part) => part.length);
  if (kind === "str" || kind === "bytes") return { kind, chunks: bytes, byteLength: lengths[0] ?? 0 };
  const header = Buffer.from(`${JSON.stringify(kind === "list" ? lengths : { keys, lengths })}\n`);
  const byteLength = lengths.reduce((sum, length) => sum + length, header.length);
  return { kind, chunks: [header, ...bytes], byteLength };
}

function checkText(value: unknown, where: string): string {
  if (typeof value !== "string") throw badContext(`${where} is a ${typeof value}, not a string`);
  return value;
}

function badContext(message: string): RlmError {
  return new RlmError("sandbox-bad-context", message, {
    hint: "Pass a string, a string[] or a Record<string, string> (convert other values with String() or JSON.stringify).",
  });
}
