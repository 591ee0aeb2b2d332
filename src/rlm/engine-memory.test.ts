/**
 * The engine on the in-memory sandbox runtime: what these cases check is the loop (turns, answers,
 * sub-calls, recursion, limits), not Python, so a fake Python in JavaScript runs their code behind
 * the real sandbox core and nothing is booted. The same flows against real Python stay in
 * answer-protocol.test.ts, recursion.test.ts and limits.test.ts.
 */

import { describe, expect, it } from "vitest";
import type { FakePolicy, FakeRequest } from "../../test/fakes/types.js";
import { code, lastStdout, lastUserMessage, scripted } from "../../test/policies/conversation.js";
import { type FakeModels, testModels, traceFile } from "../../test/policies/harness.js";
import { readTrajectory } from "../trace/index.js";
import { RLM } from "./index.js";

const CONTEXT = "alpha beta gamma delta ".repeat(100);
let models: FakeModels;

describe("the engine on the memory runtime", () => {
  it("runs the code of each turn and reads FINAL_VAR outside code after it", async () => {
    models = await testModels({
      root: scripted([
        () => code("n = len(context)\nprint(n)"),
        (request) => `${code(`result = 'length ' + str(${lastStdout(request)})`)}\nFINAL_VAR(result)`,
      ]),
    });
    const trace = traceFile("memory-runtime");
    const rlm = new RLM({ model: models.spec("root"), sandbox: { runtime: "memory" }, trace });
    const result = await rlm.completion(CONTEXT, "How long is it?");
    expect(result).toMatchObject({ answer: `length ${CONTEXT.length}`, stopReason: "answer", iterations: 2 });
    const { runs } = await readTrajectory(trace);
    expect(runs[0]?.iterations[0]?.code_blocks[0]?.result.stdout.trim()).toBe(String(CONTEXT.length));
  });

  it("serves llm_query batches from the sub-model and counts them", async () => {
    models = await testModels({
      root: scripted([
        () => code("replies = parallel_ask_llm(['one', 'two', 'three'])\nprint(replies)"),
        (request) => `FINAL(${lastStdout(request)})`,
      ]),
      sub: (request: FakeRequest) => ({ text: `read ${lastUserMessage(request)}` }),
    });
    const rlm = new RLM({
      model: models.spec("root"),
      subModel: models.spec("sub"),
      sandbox: { runtime: "memory" },
    });
    const result = await rlm.completion(CONTEXT, "Read the parts.");
    expect(result.answer).toBe("['read one', 'read two', 'read three']");
    expect(result.subCalls).toBe(3);
    expect(result.usage[models.spec("sub")]?.calls).toBe(3);
  });

  it("starts a child RLM for rlm_query, in a sandbox of the same runtime", async () => {
    const root = scripted([
      () => code("reply = rlm_query('the key is under the mat')\nprint(reply)"),
      (request) => `FINAL(${lastStdout(request)})`,
    ]);
    const child: FakePolicy = scripted([
      () => code("print(context)"),
      (request) => `FINAL(child saw: ${lastStdout(request)})`,
    ]);
    models = await testModels({ root, child });
    const rlm = new RLM({
      model: models.spec("root"),
      depthModels: [models.spec("root"), models.spec("child")],
      maxDepth: 2,
      sandbox: { runtime: "memory" },
    });
    const result = await rlm.completion("some text", "Where is the key?");
    expect(result).toMatchObject({ answer: "child saw: the key is under the mat", depth: 1, subCalls: 1 });
  });

  it("stops at maxIterations and asks for the best answer", async () => {
    models = await testModels({
      root: (request) =>
        lastUserMessage(request).includes("Stop: ")
          ? { text: "FINAL(best so far)" }
          : { text: code("print(len(context))") },
    });
    const rlm = new RLM({
      model: models.spec("root"),
      sandbox: { runtime: "memory" },
      limits: { maxIterations: 2 },
    });
    const result = await rlm.completion(CONTEXT, "Count the words.");
    expect(result).toMatchObject({ stopReason: "max-iterations", iterations: 2, answer: "best so far" });
  });
});
