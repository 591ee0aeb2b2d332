import type { RlmEvent } from "../trace/types.js";

/**
 * The run's progress as reasoning text (`providerOptions.rlm.progress`): the root model's reply of
 * each turn (its thinking and the code it runs), what that code printed (head and tail past 2,000
 * characters), and warnings. Children and sub-calls are left out: there can be thousands.
 */

const MAX_OUTPUT_CHARS = 2_000;

function cut(text: string): string {
  if (text.length <= MAX_OUTPUT_CHARS) return text;
  const half = MAX_OUTPUT_CHARS / 2;
  return `${text.slice(0, half)}\n[... ${text.length - MAX_OUTPUT_CHARS} characters cut ...]\n${text.slice(-half)}`;
}

export function progressText(event: RlmEvent): string | undefined {
  if (event.depth !== 0) return undefined;
  if (event.type === "model-reply") return `Turn ${event.iteration}:\n${event.text.trim()}\n\n`;
  if (event.type === "code-end") {
    const output = [event.stdout, event.stderr, event.error].filter(Boolean).join("\n").trim();
    return `Output:\n${output === "" ? "(nothing printed)" : cut(output)}\n\n`;
  }
  if (event.type === "warning") return `Warning: ${event.message}\n\n`;
  return undefined;
}
