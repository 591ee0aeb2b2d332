import { existsSync } from "node:fs";
import type { ParsedSpec } from "../../models/index.js";
import type { Check } from "./check.js";

/** The embedded engine: node-llama-cpp resolves, and a local model file exists (hf: models download on use). */
export function checkLlamaCpp(parsed: ParsedSpec, label: string): Check {
  try {
    import.meta.resolve("node-llama-cpp");
  } catch {
    return {
      name: label,
      status: "fail",
      code: "model-not-found",
      detail: "node-llama-cpp is not installed.",
      fix: "npm install node-llama-cpp",
    };
  }
  if (parsed.provider === "llamacpp" && parsed.source === "path" && !existsSync(parsed.model)) {
    return {
      name: label,
      status: "fail",
      code: "model-not-found",
      detail: `No model file at ${parsed.model}.`,
      fix: "Give the path of a .gguf file, or an hf: URI.",
    };
  }
  const where =
    parsed.provider === "llamacpp" && parsed.source === "hf" ? "downloaded on first use" : "a local file";
  return { name: label, status: "ok", detail: `Embedded llama.cpp, ${parsed.model} (${where}).` };
}
