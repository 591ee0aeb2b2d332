/**
 * The load message for one context: encoded by the shared `encodeContext`, in one buffer the worker
 * can own, so it is moved rather than copied to the worker.
 */
import { encodeContext } from "../context-encoding.js";
import type { ContextInput } from "../types.js";
import type { HostRequest } from "./messages.js";

export type LoadRequest = HostRequest & { type: "load" };

/**
 * One buffer the worker can own: moved, not copied (each fresh 100 MB costs on this machine). A
 * buffer that is not ours alone (the caller's bytes, Buffer's shared pool) is copied first.
 */
export function loadRequest(context: ContextInput | Uint8Array, variable: string): LoadRequest {
  const { chunks, byteLength, kind } = encodeContext(context);
  const first = chunks[0];
  const owned =
    context !== first &&
    chunks.length === 1 &&
    first !== undefined &&
    first.byteOffset === 0 &&
    first.buffer.byteLength === byteLength;
  let bytes: Uint8Array;
  if (owned) bytes = first;
  else {
    bytes = new Uint8Array(byteLength);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.byteLength;
    }
  }
  return { type: "load", chunks: [bytes], byteLength, kind, variable };
}

export function transferList(request: LoadRequest): ArrayBuffer[] {
  return request.chunks.map((chunk) => chunk.buffer as ArrayBuffer);
}

export function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB (${bytes} bytes)`;
}
