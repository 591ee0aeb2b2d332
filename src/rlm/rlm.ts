/**
 * `RLM`: the public entry point. `completion(context, query)` answers one query over a context of
 * any length; `session()` keeps the REPL and the conversation across queries.
 */

import { RlmError } from "../errors/index.js";
import type { ContextInput } from "../sandbox/types.js";
import { RlmSession } from "./session.js";
import type { CompletionOptions, CompletionResult, RLMOptions } from "./types.js";

export class RLM {
  readonly options: RLMOptions;

  constructor(options: RLMOptions) {
    checkOptions(options);
    this.options = options;
  }

  /** Answers `query` over `context`: loads it into a fresh sandbox, runs the loop, closes everything. */
  async completion(
    context: ContextInput,
    query: string,
    options: CompletionOptions = {},
  ): Promise<CompletionResult> {
    const session = new RlmSession(this.options, false);
    try {
      return await session.completion(context, query, options);
    } finally {
      await session.close();
    }
  }

  /** A conversation: one sandbox and one root conversation for several queries. Close it when done. */
  session(): RlmSession {
    return new RlmSession(this.options, true);
  }
}

function checkOptions(options: RLMOptions): void {
  if (!options || (typeof options.model !== "string" && typeof options.model?.chat !== "function")) {
    throw new RlmError("invalid-config", "RLM needs a root model.", {
      hint: 'Pass `model`, e.g. new RLM({ model: "ollama:qwen3:4b" }).',
    });
  }
  const depth = options.maxDepth ?? 1;
  if (!Number.isInteger(depth) || depth < 1) {
    throw new RlmError("invalid-config", `maxDepth must be a whole number >= 1, got ${depth}.`, {
      hint: "Use 1 for plain sub-calls, 2 or more to let rlm_query start child RLMs.",
    });
  }
  for (const [name, value] of Object.entries(options.limits ?? {})) {
    if (value !== undefined && !(typeof value === "number" && value > 0)) {
      throw new RlmError(
        "invalid-config",
        `limits.${name} must be a positive number, got ${String(value)}.`,
        {
          hint: `Fix limits.${name}, or leave it out for no limit.`,
        },
      );
    }
  }
}
