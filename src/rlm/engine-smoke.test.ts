/**
 * Real inference through the loop: the embedded llama.cpp engine on `random-tiny.gguf` (random
 * weights, so it cannot answer anything) plays the root model, with a GBNF grammar that forces its
 * reply to be one ```repl block. This proves the engine path end to end: the loop sends a real chat
 * through the pool to node-llama-cpp, parses what it generated, runs it in the sandbox, and stops
 * at the iteration limit with its usage counted.
 */

import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { traceFile } from "../../test/policies/harness.js";
import { disposeLlamaCppModels } from "../models/llamacpp/index.js";
import { readTrajectory } from "../trace/index.js";
import { RLM } from "./index.js";

const MODEL = join(import.meta.dirname, "../../../shared/models/random-tiny.gguf");
const haveModel = existsSync(MODEL);
if (!haveModel)
  console.warn(`Skipping the engine smoke test: ${MODEL} is missing (see ../shared/models/README.md).`);

const FORCED_CODE = "print(len(context))";
const GRAMMAR = `root ::= "\`\`\`repl\\n${FORCED_CODE}\\n\`\`\`"`;

afterAll(disposeLlamaCppModels);

describe.skipIf(!haveModel)("the loop on the embedded engine (random-tiny.gguf)", () => {
  it("runs the grammar-forced code each turn and stops at the iteration limit", async () => {
    const spec = `llamacpp:${MODEL}`;
    const trace = traceFile("engine");
    const context = "The quick brown fox jumps over the lazy dog. ".repeat(40);
    const rlm = new RLM({
      model: spec,
      sandbox: { runtime: "process" },
      pool: { modelConfig: { llamacpp: { threads: 1, contextSize: 8192, gpu: false } } },
      rootOptions: { grammar: GRAMMAR, temperature: 0, maxTokens: 64 },
      limits: { maxIterations: 2 },
      trace,
    });
    const result = await rlm.completion(context, "How long is the context?");

    expect(result.stopReason).toBe("max-iterations");
    expect(result.iterations).toBe(2);
    // Two turns and the last call, each a real generation.
    expect(result.usage[spec]?.calls).toBe(3);
    expect(result.usage[spec]?.completionTokens).toBeGreaterThan(0);
    const { runs } = await readTrajectory(trace);
    const turns = runs[0]?.iterations.slice(0, 2) ?? [];
    for (const turn of turns) {
      expect(turn.code_blocks.map((block) => block.code.trim())).toEqual([FORCED_CODE]);
      expect(turn.code_blocks[0]?.result.stdout.trim()).toBe(String(context.length));
    }
    expect(runs[0]?.result?.stop_reason).toBe("max-iterations");
  }, 180_000);
});
