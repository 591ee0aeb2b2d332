import type { IncomingMessage } from "node:http";
import { HttpError } from "./http-error.js";

/** Reads a JSON request body, refusing bodies over `maxBytes` (413) and bodies that are not JSON (400). */
export async function readJsonBody(request: IncomingMessage, maxBytes: number): Promise<unknown> {
  const declared = Number(request.headers["content-length"] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  const parts: Buffer[] = [];
  let total = 0;
  for await (const part of request) {
    total += (part as Buffer).length;
    if (total > maxBytes) throw tooLarge(maxBytes);
    parts.push(part as Buffer);
  }
  const text = Buffer.concat(parts).toString("utf8");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HttpError("invalid-json", `The request body is not valid JSON: ${(error as Error).message}`, {
      hint: "Send a JSON body with content-type application/json.",
    });
  }
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(
    "request-too-large",
    `The request body is over ${Math.round(maxBytes / 1024 / 1024)} MB.`,
    {
      hint: "Start the server with a larger --max-body-mb, or send less context.",
    },
  );
}
