/**
 * One context-scaling case, run in its own process so its memory is its own:
 * `node --expose-gc --import tsx bench/system/context-case.ts <chars>`. Generates a `linear` task of
 * that size, answers it with the simulated root through the real engine, and prints one JSON line.
 */

import { RLM } from "../../src/rlm/index.js";
import type { RlmEvent } from "../../src/trace/types.js";
import { startSimulatedBackend } from "../runner/simulated-backend.js";
import { score } from "../scoring/index.js";
import { linearTask } from "../tasks/niah.js";

export interface ContextCaseResult {
  chars: number;
  generationMs: number;
  /** RSS after generating the context (held) and collecting garbage, before the engine starts. */
  rssBeforeMb: number;
  /** From completion() to the first root call: sandbox start and context load. */
  startToFirstCallMs: number;
  /** Mean per turn of: turn wall − model time − code time (what the engine adds per turn). */
  turnOverheadMs: number;
  /** Mean time of the code blocks (probe, regex over the whole context). */
  codeMs: number;
  elapsedMs: number;
  score: number;
  stopReason: string;
}

async function main(): Promise<void> {
  const chars = Number(process.argv[2]);
  const instance = linearTask.generate({ seed: 1, chars }) as Awaited<ReturnType<typeof linearTask.generate>>;
  const gc = (globalThis as { gc?: () => void }).gc;
  // The generator's 100 MB scratch Buffer is freed off the main thread some time after a collection:
  // without the wait it was still resident (~100 MB) when the engine started, counted against it.
  gc?.();
  await new Promise((resolve) => setTimeout(resolve, 250));
  gc?.();
  const rssBeforeMb = process.memoryUsage().rss / 2 ** 20;
  const backend = await startSimulatedBackend();
  const marks: { type: string; at: number; elapsedMs?: number }[] = [];
  const onEvent = (event: RlmEvent) => {
    if (event.depth !== 0) return;
    marks.push({
      type: event.type,
      at: performance.now(),
      ...(event.type === "code-end" ? { elapsedMs: event.elapsedMs } : {}),
    });
  };
  try {
    const question = instance.questions[0]!;
    backend.pose(question);
    const started = performance.now();
    const result = await new RLM({ model: backend.root, subModel: backend.sub, onEvent }).completion(
      instance.context,
      question.query,
    );
    const starts = marks.filter((mark) => mark.type === "iteration-start");
    const ends = marks.filter((mark) => mark.type === "iteration-end");
    const replies = marks.filter((mark) => mark.type === "model-reply");
    const codes = marks.filter((mark) => mark.type === "code-end");
    const overheads = ends.map((end, index) => {
      const start = starts[index]!.at;
      const model = replies[index]!.at - start;
      const code = codes
        .filter((mark) => mark.at > start && mark.at <= end.at)
        .reduce((sum, mark) => sum + (mark.elapsedMs ?? 0), 0);
      return end.at - start - model - code;
    });
    const output: ContextCaseResult = {
      chars: instance.chars,
      generationMs: instance.generationMs,
      rssBeforeMb,
      startToFirstCallMs: (starts[0]?.at ?? started) - started,
      turnOverheadMs: overheads.reduce((sum, value) => sum + value, 0) / Math.max(1, overheads.length),
      codeMs: codes.reduce((sum, mark) => sum + (mark.elapsedMs ?? 0), 0) / Math.max(1, codes.length),
      elapsedMs: result.elapsedMs,
      score: score(question.expected, result.answer),
      stopReason: result.stopReason,
    };
    process.stdout.write(`CASE_JSON ${JSON.stringify(output)}\n`);
  } finally {
    await backend.close();
  }
}

// Exit once the line is printed: a closed sandbox's worker port must not keep the case alive.
main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
