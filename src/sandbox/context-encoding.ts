/**
 * Turns a context into the bytes the Python driver's `_rlm_load_bytes` reads (shared by every
 * runtime): "str" / "bytes" are the text itself; "list" is a JSON line of the parts' byte lengths
 * then the parts; "dict" is a JSON line `{"keys", "lengths"}` then the values. Bytes cross the
 * bridge far faster than strings, and a length-prefixed framing needs no escaping.
 */

import { RlmError } from "../errors/index.js";
import type { ContextInput } from "./types.js";

export type ContextKind = "str" | "list" | "dict" | "bytes";

export interface EncodedContext {
  kind: ContextKind;
  /** One or more byte chunks; their concatenation is the file the driver reads. */
  chunks: Uint8Array[];
  byteLength: number;
}

export function encodeContext(context: ContextInput | Uint8Array): EncodedContext {
  if (context instanceof Uint8Array) return single("bytes", context);
  if (typeof context === "string") return single("str", Buffer.from(context, "utf8"));
  if (Array.isArray(context)) {
    const parts = context.map((part, index) => Buffer.from(checkText(part, `context[${index}]`), "utf8"));
    return framed("list", Buffer.from(`${JSON.stringify(parts.map((part) => part.length))}\n`), parts);
  }
  if (context !== null && typeof context === "object") {
    const keys = Object.keys(context);
    const parts = keys.map((key) => Buffer.from(checkText(context[key], `context[${JSON.stringify(key)}]`)));
    const header = JSON.stringify({ keys, lengths: parts.map((part) => part.length) });
    return framed("dict", Buffer.from(`${header}\n`), parts);
  }
  throw badContext(
    `a context must be a string, a list of strings or an object of strings, got ${typeof context}`,
  );
}

function single(kind: ContextKind, bytes: Uint8Array): EncodedContext {
  return { kind, chunks: [bytes], byteLength: bytes.length };
}

function framed(kind: ContextKind, header: Buffer, parts: Buffer[]): EncodedContext {
  const byteLength = parts.reduce((sum, part) => sum + part.length, header.length);
  return { kind, chunks: [header, ...parts], byteLength };
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
