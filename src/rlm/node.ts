/**
 * Opens one RLM of a tree: its model (through the tree's pool), that model's context window, and
 * a sandbox whose `llm_query` / `rlm_query` calls are served by this RLM's query handler.
 */

import type { LanguageModel } from "../models/types.js";
import { createSandbox } from "../sandbox/index.js";
import type { SubCallRecord } from "../trace/types.js";
import type { StartChild } from "./child-types.js";
import { createQueryHandler } from "./query-handler.js";
import type { Tree, TreeNode } from "./tree.js";

/** Used when a backend cannot tell its window (and said so with a warning). */
const FALLBACK_CONTEXT_WINDOW = 8192;

export async function openNode(
  getTree: () => Tree,
  depth: number,
  model: string | LanguageModel,
  signal: AbortSignal,
  startChild: StartChild,
): Promise<TreeNode> {
  const tree = getTree();
  const pooled = tree.pool.get(model);
  const calls: { current: SubCallRecord[] } = { current: [] };
  const handle = { depth, calls, signal };
  const [contextWindow, sandbox] = await Promise.all([
    contextWindowOf(tree, pooled, depth),
    createSandbox({
      ...tree.options.sandbox,
      ...(tree.options.tools ? { tools: tree.options.tools } : {}),
      onQuery: createQueryHandler(getTree, handle, startChild),
    }),
  ]);
  return Object.assign(handle, { model: pooled, contextWindow, sandbox });
}

/** The model's window in tokens; a backend that cannot be asked gets a default and a warning. */
export async function contextWindowOf(tree: Tree, model: LanguageModel, depth: number): Promise<number> {
  try {
    const info = await model.info({ signal: tree.budget.signal });
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
