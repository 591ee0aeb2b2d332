import type { IncomingHttpHeaders } from "node:http";
import type { Dispatcher, Response } from "undici";

/**
 * The part of a response the readers use. Two sources: undici's `dispatcher.request` (the default:
 * measured at a fifth of `fetch`'s CPU per call, which decides fan-out at hundreds of calls a
 * second) and a caller's own `fetch` (HttpOptions.fetch), wrapped as is.
 */
export interface HttpResponse {
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  readonly headers: { get(name: string): string | null };
  /** The whole body as UTF-8 text. */
  text(): Promise<string>;
  /** The body's bytes as they arrive; stopping the iteration early ends the request. */
  chunks(): AsyncIterable<Uint8Array>;
  /** Drops the unread body (closing the connection if it was still streaming). */
  cancel(): Promise<void>;
}

function headerReader(headers: IncomingHttpHeaders): HttpResponse["headers"] {
  return {
    get(name: string): string | null {
      const value = headers[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(", ") : value;
    },
  };
}

export function fromDispatcherResponse(data: Dispatcher.ResponseData): HttpResponse {
  const { statusCode, body } = data;
  return {
    status: statusCode,
    statusText: data.statusText ?? "",
    ok: statusCode >= 200 && statusCode < 300,
    headers: headerReader(data.headers),
    text: () => body.text(),
    chunks: () => body,
    async cancel() {
      // Reads a short rest so the socket can be reused, else closes it; never throws.
      await body.dump().catch(() => undefined);
    },
  };
}

export function fromFetchResponse(response: Response): HttpResponse {
  return {
    status: response.status,
    statusText: response.statusText,
    ok: response.ok,
    headers: response.headers,
    text: () => response.text(),
    async *chunks() {
      const body = response.body;
      if (body === null) return;
      const reader = body.getReader();
      try {
        for (;;) {
          const chunk = await reader.read();
          if (chunk.done) return;
          yield chunk.value;
        }
      } finally {
        // Stopping early: cancel the body so undici closes or reuses the socket instead of buffering.
        await reader.cancel().catch(() => undefined);
      }
    },
    async cancel() {
      await response.body?.cancel().catch(() => undefined);
    },
  };
}
