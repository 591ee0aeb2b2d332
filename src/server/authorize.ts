import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { HttpError } from "./http-error.js";

/** Checks `Authorization: Bearer <key>` when the server has a key; compares in constant time. */
export function authorize(request: IncomingMessage, apiKey: string | undefined): void {
  if (apiKey === undefined) return;
  const header = request.headers.authorization ?? "";
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  const given = Buffer.from(match?.[1] ?? "");
  const expected = Buffer.from(apiKey);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new HttpError(
      401,
      "invalid-api-key",
      match ? "Incorrect API key provided." : "Missing bearer API key.",
      {
        hint: "Send the server's key as `Authorization: Bearer <key>` (the openai client's apiKey option).",
      },
    );
  }
}
