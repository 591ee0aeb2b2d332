import type { BackendCheck } from "../../models/index.js";

/** One line of the `rlm doctor` checklist. */
export interface Check extends BackendCheck {
  /** What was checked ("root model ollama:qwen3:4b"). */
  name: string;
}
