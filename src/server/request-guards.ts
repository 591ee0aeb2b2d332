import type { IncomingMessage } from "node:http";
import { hostAllowed } from "../net/allowed-hosts.js";
import { HttpError } from "./http-error.js";

/**
 * Checks that keep web pages on other sites from using a server they can reach (one on localhost,
 * or on a LAN without a key). A browser sends a cross-site POST without asking first only when its
 * content type is `text/plain`, a form or multipart; requiring `application/json` forces the
 * CORS preflight, which this server never grants. And a page that rebinds its own domain to this
 * server's address still sends its own name in `Host`, which is refused (`net/allowed-hosts.ts`).
 */

export function checkHost(request: IncomingMessage, allowed: ReadonlySet<string> | "any"): void {
  if (hostAllowed(allowed, request.headers.host)) return;
  throw new HttpError(
    "misdirected-host",
    `This server does not answer requests for the host \`${request.headers.host ?? ""}\`.`,
    {
      hint: "Use the address the server listens on (http://127.0.0.1:<port> for a local server); a name that merely resolves to it is refused, against DNS rebinding.",
    },
  );
}

/** Media types are case-insensitive and may carry parameters (`application/json; charset=utf-8`). */
export function requireJsonContent(request: IncomingMessage): void {
  const mediaType = (request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (mediaType === "application/json") return;
  throw new HttpError(
    "unsupported-media-type",
    `The request body must be JSON with \`Content-Type: application/json\`, not \`${request.headers["content-type"] ?? "(none)"}\`.`,
    {
      param: "content-type",
      hint: "Send the header `Content-Type: application/json` (OpenAI and Ollama clients do).",
    },
  );
}
