/**
 * Simulated root models for single-needle questions. `linear`: a regex for the magic number finds
 * it (code alone, no sub-call). `niah`: find the key in code, print the text around it, read the
 * value off the printed window. Both probe first, as the system prompt asks.
 */

import { PROBE_PYTHON } from "./python-snippets.js";
import { codeReply, pythonString, type RootView, readMarked } from "./root-view.js";

export function linearRoot(view: RootView): string {
  if (view.turn === 0) return codeReply("First I look at the shape of the context.", PROBE_PYTHON);
  if (view.turn === 1) {
    return codeReply(
      "The question asks for a magic number; a regex over the whole text finds it without reading.",
      `import re, json
matches = re.findall(r"magic number is (\\d+)", context, flags=re.IGNORECASE)
print("MATCHES_JSON:", json.dumps(matches))`,
    );
  }
  const matches = readMarked(view.lastObservation, "MATCHES_JSON:");
  if (Array.isArray(matches) && matches.length > 0)
    return `The regex found it.\n\nFINAL(${String(matches[0])})`;
  return "The text has no magic number.\n\nFINAL(not found)";
}

export function niahRoot(view: RootView, key: string): string {
  if (view.turn === 0) return codeReply("Let me look at the context first.", PROBE_PYTHON);
  if (view.turn === 1) {
    return codeReply(
      `I search for the key ${key} in code and print the text around each occurrence.`,
      `key = ${pythonString(key)}
positions = []
start = context.find(key)
while start >= 0 and len(positions) < 5:
    positions.append(start)
    start = context.find(key, start + 1)
print("FOUND_AT", positions)
for position in positions:
    print("WINDOW:", context[max(0, position - 120):position + 120].replace("\\n", " "))`,
    );
  }
  // Reading the printed window: the value follows "<key> is:".
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const value = new RegExp(`${escaped} is:? (\\S+?)\\.?(?:\\s|$)`).exec(view.lastObservation)?.[1];
  return value === undefined ? "The key is not in the text.\n\nFINAL(not found)" : `FINAL(${value})`;
}
