/**
 * Where a replayed run first differs from its record: the same turns, the same code in each, the
 * same output from each block (stdout, stderr, error), the same answers of child RLMs, the same
 * final answer. Timings and variable sizes are left out (they change from run to run anyway).
 */

import type { CodeBlockRecord, IterationRecord, SubCallRecord } from "../trace/types.js";

export interface RunDifference {
  /** Where, readable: "turn 3, block 1, stdout" or "turn 2, block 1, sub-call 4 (child) turn 1, block 1, stdout". */
  where: string;
  expected: string;
  actual: string;
}

export function firstDifference(
  recorded: { iterations: IterationRecord[]; answer: string | undefined },
  replayed: { iterations: IterationRecord[]; answer: string | undefined },
): RunDifference | undefined {
  return (
    compareIterations(recorded.iterations, replayed.iterations, "") ??
    differ("answer", recorded.answer ?? "(none)", replayed.answer ?? "(none)")
  );
}

function compareIterations(
  recorded: IterationRecord[],
  replayed: IterationRecord[],
  prefix: string,
): RunDifference | undefined {
  for (let index = 0; index < Math.max(recorded.length, replayed.length); index++) {
    const where = `${prefix}turn ${index + 1}`;
    const expected = recorded[index];
    const actual = replayed[index];
    if (expected === undefined || actual === undefined) {
      return {
        where,
        expected: expected === undefined ? "(no such turn)" : "a turn",
        actual: actual === undefined ? "(no such turn)" : "a turn",
      };
    }
    const difference =
      differ(`${where}, reply`, expected.response, actual.response) ??
      compareBlocks(expected.code_blocks, actual.code_blocks, where) ??
      differ(`${where}, final answer`, expected.final_answer ?? "", actual.final_answer ?? "");
    if (difference !== undefined) return difference;
  }
  return undefined;
}

function compareBlocks(
  recorded: CodeBlockRecord[],
  replayed: CodeBlockRecord[],
  turn: string,
): RunDifference | undefined {
  const count = differ(`${turn}, number of code blocks`, String(recorded.length), String(replayed.length));
  if (count !== undefined) return count;
  for (const [index, expected] of recorded.entries()) {
    const actual = replayed[index]!;
    const where = `${turn}, block ${index + 1}`;
    const difference =
      differ(`${where}, code`, expected.code, actual.code) ??
      differ(`${where}, stdout`, expected.result.stdout, actual.result.stdout) ??
      differ(`${where}, stderr`, expected.result.stderr, actual.result.stderr) ??
      differ(`${where}, error`, expected.result.error ?? "", actual.result.error ?? "") ??
      compareChildren(expected.result.rlm_calls, actual.result.rlm_calls, where);
    if (difference !== undefined) return difference;
  }
  return undefined;
}

function compareChildren(
  recorded: SubCallRecord[],
  replayed: SubCallRecord[],
  block: string,
): RunDifference | undefined {
  for (const [index, expected] of recorded.entries()) {
    const actual = replayed[index];
    if (actual?.children === undefined || expected.children === undefined) continue;
    const difference = compareIterations(
      expected.children,
      actual.children,
      `${block}, sub-call ${index + 1} (child) `,
    );
    if (difference !== undefined) return difference;
  }
  return undefined;
}

function differ(where: string, expected: string, actual: string): RunDifference | undefined {
  return expected === actual ? undefined : { where, expected, actual };
}

/**
 * The difference as lines a terminal shows: where, then the lines that differ (the lines both
 * share at the start and at the end left out), `-` recorded and `+` replayed, a few of each.
 */
export function describeDifference(difference: RunDifference, shown = 6): string {
  const expected = difference.expected.split("\n");
  const actual = difference.actual.split("\n");
  let first = 0;
  while (first < expected.length && first < actual.length && expected[first] === actual[first]) first++;
  let shared = 0;
  while (
    shared < Math.min(expected.length, actual.length) - first &&
    expected[expected.length - 1 - shared] === actual[actual.length - 1 - shared]
  )
    shared++;
  const lines = [`first difference: ${difference.where}${first > 0 ? ` (from line ${first + 1})` : ""}`];
  for (const line of expected.slice(first, expected.length - shared).slice(0, shown)) lines.push(`- ${line}`);
  for (const line of actual.slice(first, actual.length - shared).slice(0, shown)) lines.push(`+ ${line}`);
  return lines.join("\n");
}
