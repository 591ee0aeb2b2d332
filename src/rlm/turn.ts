/**
 * One turn after the model replied: run its code blocks in order, then decide whether the turn
 * submitted an answer. Answers set by code (FINAL inside code, the `answer` dict) are accepted
 * at once when the code looked at the data (on the first turn: when it used the context at all).
 * An answer written outside code is accepted after the code ran clean, except on the first turn of
 * a query (the model cannot have looked yet; a FINAL_VAR naming a variable its own code just
 * computed is the exception).
 */

import type { CodeBlockRecord } from "../trace/types.js";
import type { RlmNode } from "./node.js";
import type { BlockOutcome } from "./observation.js";
import type { ParsedReply } from "./parse-reply.js";
import { nudgesFor } from "./prompts.js";

export interface TurnOutcome {
  outcomes: BlockOutcome[];
  records: CodeBlockRecord[];
  /** The accepted answer, if the turn submitted one. */
  answer: string | undefined;
  /** Messages for the model about this turn (a rejected answer, a missing variable, a nudge). */
  notes: string[];
  /** Counts toward the consecutive-error limit: code raised, or neither code nor answer. */
  failed: boolean;
}

export async function runTurn(node: RlmNode, parsed: ParsedReply, iteration: number): Promise<TurnOutcome> {
  const { run } = node;
  const outcomes: BlockOutcome[] = [];
  const records: CodeBlockRecord[] = [];
  let answer: string | undefined;
  for (const [index, block] of parsed.codeBlocks.entries()) {
    if (node.signal.aborted) break;
    run.emit({ type: "code-start", depth: node.depth, iteration, index, code: block.code });
    node.calls.current = [];
    node.calls.batches = [];
    const result = await node.sandbox.exec(block.code, { signal: node.signal });
    outcomes.push({ code: block.code, result });
    if (result.restarted) await node.onRestart?.(node.sandbox);
    records.push({
      code: block.code,
      result: {
        stdout: result.stdout,
        stderr: result.stderr,
        ...(result.error !== undefined ? { error: result.error } : {}),
        locals: Object.fromEntries(
          result.variables.map((variable) => [variable.name, `${variable.type}, ${variable.size}`]),
        ),
        execution_time: result.elapsedMs / 1000,
        rlm_calls: node.calls.current,
        ...(node.calls.batches.length > 0 ? { batches: node.calls.batches } : {}),
        ...(result.restarted ? { restarted: true } : {}),
      },
    });
    run.emit({
      type: "code-end",
      depth: node.depth,
      iteration,
      index,
      stdout: result.stdout,
      stderr: result.stderr,
      ...(result.error !== undefined ? { error: result.error } : {}),
      elapsedMs: result.elapsedMs,
    });
    if (result.answer !== undefined) {
      answer = result.answer;
      break;
    }
  }
  const raised = outcomes.some((outcome) => outcome.result.error !== undefined);
  const notes: string[] = [];
  const nudges = nudgesFor(node.contextWindow);
  if (answer !== undefined) {
    // On the first turn, code that submits without ever touching the context answers from the
    // model's priors (`FINAL("Paris")`): not accepted.
    const looked = iteration > 1 || outcomes.some((outcome) => /\bcontext/.test(outcome.code));
    if (looked) return { outcomes, records, answer, notes, failed: false };
    notes.push(nudges.tooEarly);
    return { outcomes, records, answer: undefined, notes, failed: false };
  }
  const ranCode = outcomes.length > 0;
  if (parsed.final === undefined) {
    // Code that was written but not run (a limit stopped the turn) is not the model's fault.
    const wroteCode = parsed.codeBlocks.length > 0;
    if (!wroteCode) notes.push(nudges.noCode);
    return { outcomes, records, answer: undefined, notes, failed: raised || !wroteCode };
  }
  if (parsed.final.kind === "variable") {
    if (iteration === 1 && !ranCode) {
      notes.push(nudges.tooEarly);
      return { outcomes, records, answer: undefined, notes, failed: false };
    }
    if (raised) {
      notes.push(nudges.answerAfterError);
      return { outcomes, records, answer: undefined, notes, failed: true };
    }
    const value = await node.sandbox.getVar(parsed.final.name);
    if (value === undefined) notes.push(nudges.missingVariable(parsed.final.name));
    return { outcomes, records, answer: value, notes, failed: value === undefined };
  }
  if (iteration === 1) {
    notes.push(ranCode ? nudges.answerBeforeOutput : nudges.tooEarly);
    return { outcomes, records, answer: undefined, notes, failed: raised };
  }
  if (raised) {
    notes.push(nudges.answerAfterError);
    return { outcomes, records, answer: undefined, notes, failed: true };
  }
  if (parsed.final.text.trim() === "") {
    notes.push(nudges.emptyAnswer);
    return { outcomes, records, answer: undefined, notes, failed: true };
  }
  return { outcomes, records, answer: parsed.final.text, notes, failed: false };
}
