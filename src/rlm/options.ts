/**
 * `RLMOptions` checked at construction, and the defaults the engine reads from them (limits: see
 * `src/budget`).
 */

import { checkLimits } from "../budget/index.js";
import { RlmError } from "../errors/index.js";
import { unsupportedAiSdkVersion, V2_HINT } from "../models/ai-sdk/index.js";
import { isModelRef, type ModelRef } from "../models/model-ref.js";
import { REPL_NAMES } from "../sandbox/repl-names.js";
import type { RLMOptions } from "./types.js";

export function checkOptions(options: RLMOptions): void {
  if (!options || options.model === undefined || options.model === null) {
    throw new RlmError("invalid-config", "RLM needs a root model.", {
      hint: 'Pass `model`, e.g. new RLM({ model: "ollama:qwen3:4b" }).',
    });
  }
  checkModels(options);
  const depth = maxDepthOf(options);
  if (!Number.isInteger(depth) || depth < 1) {
    throw new RlmError("invalid-config", `maxDepth must be a whole number >= 1, got ${depth}.`, {
      hint: "Use 1 for plain sub-calls, 2 or more to let rlm_query start child RLMs.",
    });
  }
  checkLimits(options.limits);
  checkToolNames(options.tools);
}

/** Names the REPL itself binds: its functions and `context`, a session's `history`, `context_N` and `history_N`. */
const RESERVED_NAMES = new Set<string>([...REPL_NAMES, "history"]);
const NUMBERED_NAME = /^(context|history)_\d+$/;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PYTHON_KEYWORDS = new Set(
  "False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield".split(
    " ",
  ),
);

/** Every tool name the REPL would clash with, reported together when the RLM is built. */
function checkToolNames(tools: RLMOptions["tools"]): void {
  const names = Object.keys(tools ?? {});
  const reserved = names.filter((name) => RESERVED_NAMES.has(name) || NUMBERED_NAME.test(name));
  const invalid = names.filter((name) => !IDENTIFIER.test(name) || PYTHON_KEYWORDS.has(name));
  if (reserved.length === 0 && invalid.length === 0) return;
  const parts = [
    reserved.length > 0 ? `reserved by the REPL: ${reserved.join(", ")}` : undefined,
    invalid.length > 0
      ? `not Python names: ${invalid.map((name) => JSON.stringify(name)).join(", ")}`
      : undefined,
  ].filter((part) => part !== undefined);
  throw new RlmError("invalid-config", `tools has names it cannot use (${parts.join("; ")}).`, {
    hint: `Rename them. The REPL uses ${[...RESERVED_NAMES].join(", ")}, context_N and history_N.`,
  });
}

/** Every configured model is one of the accepted forms; an AI SDK model of an old specification says so. */
function checkModels(options: RLMOptions): void {
  const named: [string, unknown][] = [
    ["model", options.model],
    ["subModel", options.subModel],
    ...(options.depthModels ?? []).map((model, depth): [string, unknown] => [`depthModels[${depth}]`, model]),
    ...(options.allowedSubModels ?? []).map((model, index): [string, unknown] => [
      `allowedSubModels[${index}]`,
      model,
    ]),
  ];
  for (const [name, model] of named) {
    if (model === undefined || isModelRef(model)) continue;
    const version = unsupportedAiSdkVersion(model);
    throw new RlmError(
      "invalid-config",
      version === undefined
        ? `${name} must be a model spec string, a LanguageModel or an AI SDK language model.`
        : `${name} is an AI SDK language model of specification ${version}; only v4 (ai 7) and v3 (ai 6) are supported.`,
      { hint: version === undefined ? 'E.g. "ollama:qwen3:4b".' : V2_HINT },
    );
  }
}

export function maxDepthOf(options: RLMOptions): number {
  return options.maxDepth ?? 1;
}

/** The model of depth-`depth` RLMs: `depthModels[depth]`, else the root model. */
export function modelForDepth(options: RLMOptions, depth: number): ModelRef {
  return options.depthModels?.[depth] ?? options.model;
}

/**
 * The cap on one reply of a model with this window (tokens), unless given: a quarter of the
 * window, between 256 and 8,192. A small local model that rambles for 6,000 tokens at turn 1 would
 * otherwise overflow its window at turn 2; a reply that hits the cap is cut, and the model told.
 */
export function replyTokens(given: number | undefined, contextWindow: number): number {
  return given ?? Math.min(8_192, Math.max(256, Math.floor(contextWindow / 4)));
}

/** Characters of each block's stdout / stderr shown to a root model with this window (tokens). */
export function observationChars(options: RLMOptions, rootContextWindow: number): number {
  if (options.maxObservationChars !== undefined) return options.maxObservationChars;
  return Math.min(20_000, Math.max(1_000, Math.floor((rootContextWindow * 3) / 10)));
}
