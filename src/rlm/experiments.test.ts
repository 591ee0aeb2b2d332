/**
 * The seed's three experiments, end to end: a real Python sandbox (`process` runtime) holds a
 * 50k-character document, and fake OpenAI-compatible models on 127.0.0.1 write the code a capable
 * model would write. The root model never sees the document, only metadata and printed output.
 */

import { describe, expect, it } from "vitest";
import { makeDocument } from "../../test/policies/documents.js";
import {
  delegateRoot,
  LINEAR_NEEDLE,
  LINEAR_QUERY,
  linearRoot,
  READING_ANSWER,
  READING_NEEDLE,
  READING_QUERY,
  readerSub,
} from "../../test/policies/experiments.js";
import { promptsSeenBy, testModels, traceFile } from "../../test/policies/harness.js";
import { readTrajectory } from "../trace/index.js";
import { RLM } from "./index.js";

describe("the seed's experiments on a 50k-character document", () => {
  it("linear: finds the needle with a regex in code, no sub-calls", async () => {
    const document = makeDocument({ chars: 50_000, needle: LINEAR_NEEDLE });
    const models = await testModels({ root: linearRoot });
    const trace = traceFile("linear");
    const rlm = new RLM({ model: models.spec("root"), sandbox: { runtime: "process" }, trace });
    const result = await rlm.completion(document, LINEAR_QUERY);

    expect(result).toMatchObject({
      answer: "7481-KX",
      stopReason: "answer",
      iterations: 3,
      subCalls: 0,
      depth: 0,
    });
    expect(result.usage[models.spec("root")]?.calls).toBe(3);
    expect(result.tracePath).toBe(trace);
    const seen = promptsSeenBy(models.server, "root");
    expect(seen).not.toContain(LINEAR_NEEDLE);
    expect(seen).toContain(`total length: ${document.length.toLocaleString("en-US")} characters`);
    // The sub-call capacity comes from the model's real window (8192 tokens on the fake server).
    expect(seen).toContain("One llm_query prompt can take about 18,000 characters.");

    const { runs } = await readTrajectory(trace);
    const run = runs[0];
    expect(run?.metadata).toMatchObject({
      query: LINEAR_QUERY,
      context: { type: "str", total_chars: document.length },
    });
    expect(run?.iterations.map((iteration) => iteration.iteration)).toEqual([1, 2, 3]);
    expect(run?.iterations[1]?.code_blocks[0]?.result.stdout).toContain("7481-KX");
    expect(run?.iterations[2]?.final_answer).toBe("7481-KX");
    expect(run?.result).toMatchObject({ answer: "7481-KX", stop_reason: "answer", iterations: 3 });
  });

  it("delegate: reads chunks one by one with ask_llm", async () => {
    const document = makeDocument({ chars: 50_000, needle: READING_NEEDLE, at: 0.8 });
    const models = await testModels({ root: delegateRoot("sequential"), sub: readerSub });
    const trace = traceFile("delegate");
    const rlm = new RLM({
      model: models.spec("root"),
      subModel: models.spec("sub"),
      sandbox: { runtime: "process" },
      trace,
    });
    const result = await rlm.completion(document, READING_QUERY);

    expect(result.answer).toBe(READING_ANSWER);
    expect(result.stopReason).toBe("answer");
    const chunks = Math.ceil(document.length / 6000);
    expect(result.subCalls).toBe(chunks);
    expect(result.usage[models.spec("sub")]?.calls).toBe(chunks);
    expect(result.usage[models.spec("root")]?.calls).toBe(3);
    expect(promptsSeenBy(models.server, "root")).not.toContain(READING_NEEDLE);
    // Every chunk went to the sub-model, and together they cover the document.
    expect(promptsSeenBy(models.server, "sub")).toContain(READING_NEEDLE);

    const { runs } = await readTrajectory(trace);
    const calls = runs[0]?.iterations[1]?.code_blocks[0]?.result.rlm_calls ?? [];
    expect(calls).toHaveLength(chunks);
    expect(calls.every((call) => call.kind === "llm" && call.model === models.spec("sub"))).toBe(true);
    expect(calls.filter((call) => call.response === READING_ANSWER)).toHaveLength(1);
  });

  it("parallel: one parallel_ask_llm batch runs the chunks concurrently", async () => {
    const document = makeDocument({ chars: 50_000, needle: READING_NEEDLE, at: 0.3 });
    let inFlight = 0;
    let maxInFlight = 0;
    const slowReader: typeof readerSub = async (request) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 100));
      inFlight--;
      return readerSub(request);
    };
    const models = await testModels({ root: delegateRoot("parallel"), sub: slowReader });
    const rlm = new RLM({
      model: models.spec("root"),
      subModel: models.spec("sub"),
      sandbox: { runtime: "process" },
      concurrency: 4,
    });
    const result = await rlm.completion(document, READING_QUERY);

    expect(result.answer).toBe(READING_ANSWER);
    const chunks = Math.ceil(document.length / 6000);
    expect(result.subCalls).toBe(chunks);
    expect(maxInFlight).toBeGreaterThan(1);
    expect(maxInFlight).toBeLessThanOrEqual(4);
  });
});
