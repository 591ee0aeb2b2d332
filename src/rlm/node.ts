/**
 * Opens one RLM of a tree: its model (through the tree's pool), that model's context window, and
 * a sandbox whose `llm_query` / `rlm_query` calls are served by this RLM's query handler. The
 * sandbox lives in a slot that can be created ahead of need (a warm spare) and bound to a tree
 * later: the handler looks the tree up at call time.
 */

import { RlmError } from "../errors/index.js";
import type { LanguageModel } from "../models/types.js";
import { createSandbox } from "../sandbox/index.js";
import type { Sandbox } from "../sandbox/types.js";
import type { SubCallRecord } from "../trace/types.js";
import type { StartChild } from "./child-types.js";
import { createQueryHandler } from "./query-handler.js";
import type { Tree, TreeNode } from "./tree.js";
import type { RLMOptions } from "./types.js";

/** Used when a backend cannot tell its window (and said so with a warning). */
const FALLBACK_CONTEXT_WINDOW = 8192;

export interface SandboxSlot {
  sandbox: Sandbox;
  /** The node's mutable part, shared with its query handler. */
  handle: { depth: number; calls: { current: SubCallRecord[] }; signal: AbortSignal };
  /** The tree the sandbox's calls are served for; set when the slot is bound to a run. */
  tree: Tree | undefined;
}

export async function createSlot(
  options: RLMOptions,
  depth: number,
  startChild: StartChild,
): Promise<SandboxSlot> {
  const handle = { depth, calls: { current: [] as SubCallRecord[] }, signal: new AbortController().signal };
  const partial: Omit<SandboxSlot, "sandbox"> = { handle, tree: undefined };
  const getTree = (): Tree => {
    if (partial.tree) return partial.tree;
    throw new RlmError("sandbox-unbound", "llm_query was called outside a completion.", {
      hint: "Models can only be called while a completion runs.",
    });
  };
  const sandbox = await createSandbox({
    ...options.sandbox,
    ...(options.tools ? { tools: options.tools } : {}),
    onQuery: createQueryHandler(getTree, handle, startChild),
  });
  return Object.assign(partial, { sandbox });
}

/** Binds `slot` (or a new one) to `tree` and returns the node. */
export async function openNode(
  tree: Tree,
  depth: number,
  model: string | LanguageModel,
  signal: AbortSignal,
  startChild: StartChild,
  slot?: SandboxSlot,
): Promise<TreeNode> {
  const pooled = tree.pool.get(model);
  const [contextWindow, bound] = await Promise.all([
    contextWindowOf(tree, pooled, depth),
    slot ?? createSlot(tree.options, depth, startChild),
  ]);
  bound.tree = tree;
  bound.handle.signal = signal;
  return Object.assign(bound.handle, { model: pooled, contextWindow, sandbox: bound.sandbox, slot: bound });
}

/** The model's window in tokens; a backend that cannot be asked gets a default and a warning. */
export async function contextWindowOf(tree: Tree, model: LanguageModel, depth: number): Promise<number> {
  const known = tree.windows.get(model.spec);
  if (known !== undefined) return known;
  try {
    const info = await model.info({ signal: tree.budget.signal });
    tree.windows.set(model.spec, info.contextWindow);
    return info.contextWindow;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    tree.emit({
      type: "warning",
      depth,
      message: `Could not read the context window of ${model.spec} (${reason}); assuming ${FALLBACK_CONTEXT_WINDOW} tokens.`,
    });
    return FALLBACK_CONTEXT_WINDOW;
  }
}
