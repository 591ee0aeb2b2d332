import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { HttpError } from "./http-error.js";

/**
 * Checks `Authorization: Bearer <key>` when the server has a key. Both sides are hashed (SHA-256)
 * before the constant-time comparison: comparing the keys themselves needs equal lengths, and
 * returning early on a length mismatch tells an attacker how long the key is.
 */

const digest = (text: string): Buffer => createHash("sha256").update(text, "utf8").digest();

export function authorize(request: IncomingMessage, apiKey: string | undefined): void {
  if (apiKey === undefined) return;
  const header = request.headers.authorization ?? "";
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!timingSafeEqual(digest(match?.[1] ?? ""), digest(apiKey)) || !match) {
    throw new HttpError(
      "invalid-api-key",
      match ? "Incorrect API key provided." : "Missing bearer API key.",
      {
        hint: "Send the server's key as `Authorization: Bearer <key>` (the openai client's apiKey option).",
      },
    );
  }
}
