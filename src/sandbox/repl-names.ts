/**
 * The one list of names the REPL offers the model's code: the driver defines them before any code
 * runs and restores each after every block if the code overwrote it (`_RLM_RESERVED` in
 * python/driver.py, which cannot import this: repl-names.test.ts checks that it holds the same names
 * in the same order), the system prompt explains each (src/rlm/prompts.ts is keyed by this list,
 * so a name without its help does not compile), and the shared contract suite checks that every
 * runtime defines them all. Each name maps to its Python type once a str context is loaded.
 *
 * To add a REPL function: define it in python/driver.py and add it to `_RLM_RESERVED` there, add
 * it here, give it its line in src/rlm/prompts.ts (`replHelp`) and its case in `invoke` in
 * memory/fake-python.ts (neither compiles without).
 */
export const REPL = {
  context: "str",
  llm_query: "function",
  llm_query_batched: "function",
  rlm_query: "function",
  rlm_query_batched: "function",
  ask_llm: "function",
  parallel_ask_llm: "function",
  SHOW_VARS: "function",
  answer: "dict",
  FINAL: "function",
  FINAL_VAR: "function",
} as const;

export type ReplName = keyof typeof REPL;

/** In the driver's order. */
export const REPL_NAMES = Object.keys(REPL) as ReplName[];

/** Names that are another REPL function under a second name (`ask_llm = llm_query` in the driver). */
export const REPL_ALIASES = {
  ask_llm: "llm_query",
  parallel_ask_llm: "llm_query_batched",
} as const satisfies Partial<Record<ReplName, ReplName>>;
