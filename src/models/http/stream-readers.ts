import { malformedResponseError } from "../errors.js";
import type { HttpResponse } from "./http-response.js";
import { readLines } from "./read-body.js";

/** One server-sent event: its `event:` name (undefined when none was given) and its joined `data:` lines. */
export interface SseEvent {
  event: string | undefined;
  data: string;
}

/** Server-sent events (OpenAI, Anthropic), parsed per the EventSource rules we need. */
export async function* readSse(
  response: HttpResponse,
  url: string,
  signal?: AbortSignal,
): AsyncGenerator<SseEvent> {
  let event: string | undefined;
  let data: string[] = [];
  for await (const line of readLines(response, url, signal)) {
    if (line === "") {
      if (data.length > 0) yield { event, data: data.join("\n") };
      event = undefined;
      data = [];
      continue;
    }
    if (line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") data.push(value);
    else if (field === "event") event = value;
  }
  // A last event without its blank line still counts; the backend decides whether the stream was complete.
  if (data.length > 0) yield { event, data: data.join("\n") };
}

/** Newline-delimited JSON (Ollama): one parsed value per non-empty line; a bad line is an error, never skipped. */
export async function* readNdjson(
  response: HttpResponse,
  url: string,
  signal?: AbortSignal,
): AsyncGenerator<unknown> {
  for await (const line of readLines(response, url, signal)) {
    if (line.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw malformedResponseError(url, `stream line is not JSON: ${line.slice(0, 200)}`, error);
    }
    yield value;
  }
}
