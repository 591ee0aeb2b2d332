/**
 * The observation message: what the root model sees after its code ran. One message per turn,
 * each block's stdout, stderr and error cut head-and-tail to a fixed size (with the count of
 * characters cut), so that the root's conversation grows by a bounded amount per turn no matter
 * what the code printed.
 */

import { truncateHeadTail } from "../sandbox/truncate.js";
import type { ExecResult, VariableInfo } from "../sandbox/types.js";

export interface BlockOutcome {
  code: string;
  result: ExecResult;
}

export interface ObservationInput {
  blocks: BlockOutcome[];
  iteration: number;
  maxIterations: number;
  /** Characters kept per stream of each block. */
  maxChars: number;
  /** Extra lines for the model (a rejected answer, a missing variable...). */
  notes: string[];
}

const LISTED_VARIABLES = 20;

export function observationMessage(input: ObservationInput): string {
  const sections: string[] = [];
  const count = input.blocks.length;
  input.blocks.forEach((block, index) => {
    sections.push(describeBlock(block, index, count, input.maxChars));
  });
  const last = input.blocks.at(-1);
  if (last && last.result.variables.length > 0) sections.push(describeVariables(last.result.variables));
  sections.push(...input.notes);
  const left = input.maxIterations - input.iteration;
  sections.push(
    left > 0
      ? `Turn ${input.iteration} of ${input.maxIterations} done. Continue with code, or submit with FINAL(...) once you are sure.`
      : `Turn ${input.iteration} of ${input.maxIterations} done: that was the last turn.`,
  );
  return sections.join("\n\n");
}

function describeBlock(block: BlockOutcome, index: number, count: number, maxChars: number): string {
  const { result } = block;
  const label = count > 1 ? `[block ${index + 1} of ${count}]` : "[output]";
  const status = result.error ? "raised an error" : "ran";
  const lines = [`${label} ${status} in ${(result.elapsedMs / 1000).toFixed(2)} s`];
  if (result.stdout) lines.push(`stdout:\n${truncateHeadTail(result.stdout, maxChars)}`);
  if (result.stderr) lines.push(`stderr:\n${truncateHeadTail(result.stderr, maxChars)}`);
  if (result.error) lines.push(`error:\n${truncateHeadTail(result.error, maxChars)}`);
  if (!result.stdout && !result.stderr && !result.error) lines.push("(no output: use print() to see values)");
  if (result.restarted) {
    lines.push(
      `The REPL had to be restarted${result.stopped ? ` (${result.stopped})` : ""}: every variable was lost, \`context\` is loaded again.`,
    );
  } else if (result.stopped === "timeout") {
    lines.push("The code was stopped by the time limit; variables set before that are kept.");
  }
  return lines.join("\n");
}

function describeVariables(variables: VariableInfo[]): string {
  const shown = variables
    .slice(0, LISTED_VARIABLES)
    .map((variable) => `${variable.name} (${variable.type}, ${variable.size})`);
  const more = variables.length > LISTED_VARIABLES ? `, ... ${variables.length - LISTED_VARIABLES} more` : "";
  return `Variables: ${shown.join(", ")}${more}`;
}
