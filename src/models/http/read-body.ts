import type { ZodType } from "zod";
import { RlmError } from "../../errors/index.js";
import { malformedResponseError, streamInterruptedError } from "../errors.js";
import type { HttpResponse } from "./http-response.js";
import { throwIfAborted } from "./post-json.js";

/** A failure while reading a body: the caller's abort, else the server cutting the connection. */
export function bodyReadError(error: unknown, url: string, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted) return signal.reason;
  if (error instanceof RlmError) return error;
  return streamInterruptedError(url, error);
}

/**
 * A hand-written check that returns true only for values the schema accepts: on the hot path a
 * well-formed reply skips zod; any other value is checked by zod, for its message.
 */
export type QuickCheck<T> = (value: unknown) => value is T;

/** Parses JSON text and checks it against the protocol's schema. */
export function parseJson<T>(text: string, schema: ZodType<T>, url: string, quick?: QuickCheck<T>): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw malformedResponseError(url, `not JSON: ${text.slice(0, 200)}`, error);
  }
  if (quick?.(parsed)) return parsed;
  return checkShape(parsed, schema, url);
}

/** Checks an already parsed value against the protocol's schema. */
export function checkShape<T>(value: unknown, schema: ZodType<T>, url: string): T {
  const checked = schema.safeParse(value);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const where = issue ? `${issue.path.join(".") || "body"}: ${issue.message}` : "unexpected shape";
    throw malformedResponseError(url, `${where} in ${JSON.stringify(value).slice(0, 200)}`, checked.error);
  }
  return checked.data;
}

/** Reads a whole JSON response body and validates it. */
export async function readJson<T>(
  response: HttpResponse,
  schema: ZodType<T>,
  url: string,
  signal?: AbortSignal,
  quick?: QuickCheck<T>,
): Promise<T> {
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw bodyReadError(error, url, signal);
  }
  throwIfAborted(signal);
  return parseJson(text, schema, url, quick);
}

/**
 * The body as text lines (without `\n` / `\r\n`), as they arrive. Cancels the body when the
 * consumer stops early, so breaking a loop releases the connection.
 */
export async function* readLines(
  response: HttpResponse,
  url: string,
  signal?: AbortSignal,
): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let pending = "";
  // Stopping early ends the iteration, which ends the request (undici closes the socket).
  const chunks = response.chunks()[Symbol.asyncIterator]();
  try {
    while (true) {
      let chunk: IteratorResult<Uint8Array>;
      try {
        chunk = await chunks.next();
      } catch (error) {
        throw bodyReadError(error, url, signal);
      }
      if (chunk.done) break;
      pending += decoder.decode(chunk.value, { stream: true });
      let newline = pending.indexOf("\n");
      while (newline >= 0) {
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        yield line.endsWith("\r") ? line.slice(0, -1) : line;
        newline = pending.indexOf("\n");
      }
    }
    pending += decoder.decode();
    if (pending.length > 0) yield pending.endsWith("\r") ? pending.slice(0, -1) : pending;
  } finally {
    await chunks.return?.().catch(() => undefined);
  }
}
