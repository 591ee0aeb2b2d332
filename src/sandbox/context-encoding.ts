/**
 * A context as the Python driver binds it (shared by every runtime): `contextParts` checks it and
 * splits it into its texts; `planLoad` measures them (the plan `_rlm_load_prepare` takes, without
 * copying a byte); `encodeContext` / `encodePlanned` turn them into the bytes `_rlm_load_bytes` reads:
 * "str" / "bytes" are the text itself; "list" is a JSON line of the parts' byte lengths then the
 * parts; "dict" is a JSON line `{"keys", "lengths"}` then the values; "json" (a list or dict whose
 * values are not all strings: `{"number": 42}`, `[1, 2, "four"]`) is its JSON text, which the
 * driver parses. Bytes cross the bridge far faster than strings, and a length-prefixed framing needs
 * no escaping.
 */

import { isAscii } from "node:buffer";
import { RlmError } from "../errors/index.js";
import { lazyParts } from "./context-file.js";
import type { ContextInput, JsonValue, LazyFile } from "./types.js";

export type ContextKind = "str" | "list" | "dict" | "bytes" | "json";

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

export function contextParts(input: ContextInput | Uint8Array): ContextParts {
  if (lazyParts(input) !== undefined)
    throw badContext("a lazy context (files read as Python goes) has no texts here");
  const context = input as string | JsonValue[] | { [key: string]: JsonValue } | Uint8Array;
  if (context instanceof Uint8Array) return { kind: "bytes", parts: [context] };
  if (typeof context === "string") return { kind: "str", parts: [context] };
  if (Array.isArray(context)) {
    if (context.every((part) => typeof part === "string")) return { kind: "list", parts: context };
    return { kind: "json", parts: [jsonText(context)] };
  }
  if (context !== null && typeof context === "object") {
    const keys = Object.keys(context);
    const values = keys.map((key) => context[key]);
    if (values.every((value) => typeof value === "string")) return { kind: "dict", parts: values, keys };
    return { kind: "json", parts: [jsonText(context)] };
  }
  throw badContext(`a context must be a string, a list or an object (of JSON values), got ${typeof context}`);
}

/** The JSON text of a list or dict context, refusing what JSON cannot carry (and would silently drop). */
function jsonText(context: JsonValue[] | { [key: string]: JsonValue }): string {
  checkJson(context, "context");
  return JSON.stringify(context);
}

function checkJson(value: unknown, where: string): void {
  if (value === null || typeof value === "string" || typeof value === "boolean") return;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw badContext(`${where} is ${value}, which JSON cannot carry`);
    return;
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) checkJson(item, `${where}[${index}]`);
    return;
  }
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value)) checkJson(item, `${where}[${JSON.stringify(key)}]`);
    return;
  }
  throw badContext(
    `${where} is a ${typeof value === "object" ? "non-JSON object" : typeof value}, not a JSON value`,
  );
}

/** What `_rlm_load_prepare` gets: the context's shape; its bytes follow as the runtime streams them. */
export interface LoadPlan {
  kind: ContextKind;
  variable: string;
  /** Only for "dict": the key of each part. */
  keys?: string[];
  /** Each part's UTF-8 length, and whether it is all ASCII (then its bytes are its text). */
  parts: { bytes: number; ascii: boolean }[];
}

/** A checked, measured context: what every runtime loads, and what a restarted one loads again. */
export interface PlannedLoad {
  plan: LoadPlan;
  /** The parts' texts, encoded only as they are sent. */
  sources: (string | Uint8Array)[];
  /** UTF-8 bytes in all. */
  byteLength: number;
  /** A lazy context's files, one per part: nothing is sent, Python reads them as it goes. */
  files?: LazyFile[];
}

/** Checks the context and measures its parts (`Buffer.byteLength` needs no copy: ~20 ms per 100 MB). */
export function planLoad(context: ContextInput | Uint8Array, variable: string): PlannedLoad {
  const lazy = lazyParts(context);
  if (lazy !== undefined) {
    const { kind, files, keys } = lazy;
    const parts = files.map((file) => ({ bytes: file.byteLength, ascii: false }));
    const byteLength = parts.reduce((sum, part) => sum + part.bytes, 0);
    return { plan: { kind, variable, ...(keys ? { keys } : {}), parts }, sources: [], byteLength, files };
  }
  const { kind, parts: sources, keys } = contextParts(context);
  const parts = sources.map((source) => {
    if (typeof source !== "string") return { bytes: source.length, ascii: isAscii(source) };
    const bytes = Buffer.byteLength(source, "utf8");
    return { bytes, ascii: bytes === source.length };
  });
  const byteLength = parts.reduce((sum, part) => sum + part.bytes, 0);
  return { plan: { kind, variable, ...(keys ? { keys } : {}), parts }, sources, byteLength };
}

export function encodeContext(context: ContextInput | Uint8Array): EncodedContext {
  return encodePlanned(planLoad(context, "context"));
}

/** The bytes `_rlm_load_bytes` reads for a planned load (all of it at once: the process runtime). */
export function encodePlanned({ plan, sources }: PlannedLoad): EncodedContext {
  const { kind, keys } = plan;
  const bytes = sources.map((part) => (typeof part === "string" ? Buffer.from(part, "utf8") : part));
  const lengths = plan.parts.map((part) => part.bytes);
  if (kind === "str" || kind === "bytes" || kind === "json")
    return { kind, chunks: bytes, byteLength: lengths[0] ?? 0 };
  const header = Buffer.from(`${JSON.stringify(kind === "list" ? lengths : { keys, lengths })}\n`);
  const byteLength = lengths.reduce((sum, length) => sum + length, header.length);
  return { kind, chunks: [header, ...bytes], byteLength };
}

/** "1.5 MB (1572864 bytes)": a context's size in errors. */
export function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB (${bytes} bytes)`;
}

function badContext(message: string): RlmError {
  return new RlmError("sandbox-bad-context", message, {
    hint: "Pass a string, or a list or object of JSON values (strings, numbers, booleans, null, lists, objects).",
  });
}
