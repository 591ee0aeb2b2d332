import type { Response } from "undici";
import type { ZodType } from "zod";
import { RlmError } from "../../errors/index.js";
import { malformedResponseError, streamInterruptedError } from "../errors.js";
import { throwIfAborted } from "./post-json.js";

/** A failure while reading a body: the caller's abort, else the server cutting the connection. */
export function bodyReadError(error: unknown, url: string, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted) return signal.reason;
  if (error instanceof RlmError) return error;
  return streamInterruptedError(url, error);
}

/** Parses JSON text and checks it against the protocol's schema. */
export function parseJson<T>(text: string, schema: ZodType<T>, url: string): T {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw malformedResponseError(url, `not JSON: ${text.slice(0, 200)}`, error);
  }
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
  response: Response,
  schema: ZodType<T>,
  url: string,
  signal?: AbortSignal,
): Promise<T> {
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw bodyReadError(error, url, signal);
  }
  throwIfAborted(signal);
  return parseJson(text, schema, url);
}

/**
 * The body as text lines (without `\n` / `\r\n`), as they arrive. Cancels the body when the
 * consumer stops early, so breaking a loop releases the connection.
 */
export async function* readLines(
  response: Response,
  url: string,
  signal?: AbortSignal,
): AsyncGenerator<string> {
  const body = response.body;
  if (body === null) return;
  const decoder = new TextDecoder();
  let pending = "";
  const reader = body.getReader();
  try {
    while (true) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
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
    // Stopping early: cancel the body so undici closes or reuses the socket instead of buffering.
    await reader.cancel().catch(() => undefined);
  }
}
