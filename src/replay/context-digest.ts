import { createHash } from "node:crypto";
import type { ContextInput } from "../sandbox/types.js";

/**
 * sha256 (hex) of a context: the text itself for a `str`, its JSON for a list or dict (the same
 * inputs read the same way give the same JSON). A resume or replay refuses a context whose digest
 * differs from the recorded one: the recorded code would run over other data. For a lazy context
 * (files read as Python goes) the JSON is each file's path, size, modification time and start, not
 * every byte: hashing 10 GB would cost more than the run's first turns, and a file that was touched
 * is refused even if its bytes did not change.
 */
export function contextDigest(context: ContextInput): string {
  const hash = createHash("sha256");
  hash.update(typeof context === "string" ? "str\n" : "json\n");
  hash.update(typeof context === "string" ? context : JSON.stringify(context));
  return hash.digest("hex");
}
