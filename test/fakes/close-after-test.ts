import { onTestFinished } from "vitest";
import type { FakeServer } from "./types.js";

/** Closes `server` when the running test finishes, passed or failed. Tests only (not in index.ts). */
export function closeAfterTest(server: FakeServer): FakeServer {
  onTestFinished(() => server.close());
  return server;
}
