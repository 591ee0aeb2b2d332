/**
 * The RLM engine: `RLM.completion(context, query)` loads the context into a sandboxed Python REPL,
 * lets the root model work on it in code over several turns (sub-models via `llm_query`, child
 * RLMs via `rlm_query`), and returns its answer with usage, stop reason and trajectory. This folder
 * owns the loop, the prompts, the reply parser (the answer protocol), recursion and sessions;
 * limits live in `src/budget`, trajectories in `src/trace`.
 */
export { type FinalAnswer, type ParsedReply, parseReply } from "./parse-reply.js";
export { type ReplayOptions, type ReplayResult, replay } from "./replay.js";
export { RLM } from "./rlm.js";
export { RunError } from "./run-error.js";
export { type HistoryEntry, RlmSession } from "./session.js";
export type * from "./types.js";
