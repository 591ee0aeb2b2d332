/**
 * The RLM loop for one query: ask the model, run its code, show it the output, until it submits
 * an answer or a limit stops it (then one last call asks for its best answer). Used alike by the
 * root and by child RLMs; only the root writes trajectory lines (a child's iterations are returned
 * and nested in its parent's sub-call record).
 */

import { isRlmError, RlmError } from "../errors/index.js";
import type { ChatMessage } from "../models/types.js";
import type { IterationRecord, StopReason } from "../trace/types.js";
import { chatWithinWindow, compactIfNeeded } from "./compaction.js";
import { lastCall } from "./last-call.js";
import { type RlmNode, SandboxSetupFailed } from "./node.js";
import { observationMessage } from "./observation.js";
import { observationChars } from "./options.js";
import { parseReply } from "./parse-reply.js";
import { nudgesFor } from "./prompts.js";
import { describeError } from "./query-handler.js";
import { runTurn } from "./turn.js";

const CANCELLED = "Cancelled: the code that started this sub-RLM was stopped.";

export interface LoopOutcome {
  answer: string;
  stopReason: StopReason;
  /** Turns run (the last call after a limit not counted). */
  iterations: number;
  records: IterationRecord[];
  error: string | undefined;
  /** The error behind `error`, typed (a `run-failed` RlmError wraps anything that is not an RlmError). */
  failure?: RlmError;
}

/**
 * Runs the loop on the node's conversation (mutated: a session keeps it). `queryStart` is the index
 * of this query's first message; everything from there on is the first iteration's prompt.
 */
export async function runLoop(node: RlmNode, queryStart: number): Promise<LoopOutcome> {
  const { run, conversation } = node;
  const { limits } = run;
  const records: IterationRecord[] = [];
  const maxChars = observationChars(run.options, node.contextWindow);
  let start = queryStart;
  let pending = conversation.slice(queryStart);
  let iteration = 0;
  let consecutiveErrors = 0;
  /** Turns whose reply held a code block: none at all means the model cannot drive an RLM. */
  let turnsWithCode = 0;
  /** What the loop was doing, to say in an error which part failed. */
  let doing = "starting";
  const keep = (record: IterationRecord) => {
    records.push(record);
    if (node.depth === 0) run.sink.line(record);
  };
  const outcome = (
    stopReason: StopReason,
    answer: string,
    error?: string,
    failure?: RlmError,
  ): LoopOutcome => ({
    answer,
    stopReason,
    iterations: iteration,
    records,
    error,
    ...(failure !== undefined ? { failure } : {}),
  });
  // The node's signal aborted without a limit: its parent's code stopped, or (a root) its sandbox
  // failed to start beside the first model call.
  const cancelled = (): LoopOutcome => {
    const reason: unknown = node.signal.reason;
    if (!(reason instanceof SandboxSetupFailed)) return outcome("aborted", "", CANCELLED);
    const setup = `starting the ${node.sandbox.runtime} sandbox and loading the context`;
    return outcome(
      "error",
      "",
      `Failed while ${setup}: ${describeError(reason.error)}`,
      asFailure(reason.error),
    );
  };
  const stopWith = async (reason: StopReason): Promise<LoopOutcome> => {
    if (reason === "max-errors" && turnsWithCode === 0) {
      run.emit({
        type: "warning",
        depth: node.depth,
        message: `The model ${node.model.spec} wrote no \`\`\`repl code block in ${iteration} replies, so it never looked at the context: it is likely too small (or not instruction-tuned) to drive an RLM. Use a larger root model (--model) and keep the small one for sub-calls (--sub-model); --verbose shows its replies.`,
      });
    }
    // A tree-wide stop ends a child at once: the root makes the one last call for the tree.
    if (reason === "aborted" || (node.depth > 0 && run.budget.stopReason)) return outcome(reason, "");
    try {
      const last = await lastCall(node, reason, iteration + 1, start);
      keep(last.record);
      return outcome(reason, last.answer);
    } catch (error) {
      return outcome(
        reason,
        "",
        `The last call for an answer failed: ${describeError(error)}`,
        asFailure(error),
      );
    }
  };

  try {
    for (;;) {
      if (node.signal.aborted && !run.budget.stopReason) return cancelled();
      const stop =
        run.budget.stopReason ??
        (iteration >= limits.maxIterations ? "max-iterations" : undefined) ??
        (consecutiveErrors >= limits.maxErrors ? "max-errors" : undefined);
      if (stop) return await stopWith(stop);
      iteration++;
      const started = performance.now();
      run.emit({ type: "iteration-start", depth: node.depth, iteration });
      doing = `summarizing older turns with ${node.model.spec}`;
      const compacted = await compactIfNeeded(node, start);
      start = compacted.queryStart;
      if (compacted.compaction) pending = [compacted.compaction.summary, ...pending];
      doing = `calling the ${node.depth === 0 ? "root" : `depth-${node.depth}`} model ${node.model.spec}`;
      const callOptions = {
        ...run.options.rootOptions,
        maxTokens: run.options.rootOptions?.maxTokens ?? node.replyTokens.own,
        signal: node.signal,
        ...run.recording(node.sites.turn(iteration), node.model.spec),
      };
      // A window too small for even one more exchange keeps the query and the latest output.
      const { reply, dropped } = await chatWithinWindow(node, start, callOptions);
      if (dropped) pending = [dropped];
      run.budget.check();
      for (const warning of reply.warnings ?? [])
        run.emit({ type: "warning", depth: node.depth, message: warning });
      conversation.push({ role: "assistant", content: reply.text });
      run.emit({ type: "model-reply", depth: node.depth, iteration, text: reply.text, usage: reply.usage });
      const parsed = parseReply(reply.text);
      doing = `running turn ${iteration}'s code in the ${node.sandbox.runtime} sandbox`;
      const turn = await runTurn(node, parsed, iteration);
      if (parsed.codeBlocks.length > 0) turnsWithCode++;
      if (reply.finishReason === "length") turn.notes.push(nudgesFor(node.contextWindow).cutOff);
      for (const message of turn.notes)
        run.emit({ type: "model-note", depth: node.depth, iteration, message });
      consecutiveErrors = turn.failed ? consecutiveErrors + 1 : 0;
      const reasoning = [reply.reasoning, parsed.thinking].filter(Boolean).join("\n");
      keep({
        type: "iteration",
        iteration,
        timestamp: new Date().toISOString(),
        depth: node.depth,
        prompt: pending,
        response: reply.text,
        ...(reasoning ? { reasoning } : {}),
        code_blocks: turn.records,
        ...(turn.answer !== undefined ? { final_answer: turn.answer } : {}),
        iteration_time: (performance.now() - started) / 1000,
        usage: reply.usage,
        ...(compacted.compaction ? { compacted_messages: compacted.compaction.replaced } : {}),
      });
      run.emit({
        type: "iteration-end",
        depth: node.depth,
        iteration,
        usage: run.budget.usage(),
        elapsedMs: performance.now() - started,
      });
      if (turn.answer !== undefined) return outcome("answer", turn.answer);
      const observation =
        turn.outcomes.length > 0
          ? observationMessage({
              blocks: turn.outcomes,
              iteration,
              maxIterations: limits.maxIterations,
              maxChars,
              notes: turn.notes,
            })
          : turn.notes.join("\n\n");
      const message: ChatMessage = { role: "user", content: observation };
      conversation.push(message);
      pending = [message];
    }
  } catch (error) {
    // A call or an exec cancelled because a limit fired (or the caller aborted) is that limit's
    // stop, not an error.
    if (run.budget.stopReason) return await stopWith(run.budget.stopReason);
    if (node.signal.aborted) return cancelled();
    // The hint stays the failure's own (the CLI prints it on its line): not repeated in the message.
    const message = isRlmError(error) ? error.message : describeError(error);
    return outcome("error", "", `Failed while ${doing}: ${message}`, asFailure(error));
  }
}

function asFailure(error: unknown): RlmError {
  if (isRlmError(error)) return error;
  return new RlmError("run-failed", describeError(error), { cause: error });
}
