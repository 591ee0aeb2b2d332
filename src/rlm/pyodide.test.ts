/**
 * The loop through the default, locked-down runtime: the same delegation experiment as
 * `experiments.test.ts`, with Python in Pyodide (WebAssembly) and `parallel_ask_llm` crossing the
 * worker bridge to real HTTP calls.
 */

import { describe, expect, it } from "vitest";
import { makeDocument } from "../../test/policies/documents.js";
import {
  delegateRoot,
  READING_ANSWER,
  READING_NEEDLE,
  READING_QUERY,
  readerSub,
} from "../../test/policies/experiments.js";
import { testModels, traceFile } from "../../test/policies/harness.js";
import { readTrajectory } from "../trace/index.js";
import { RLM } from "./index.js";

describe("the loop on the pyodide runtime", () => {
  it("delegates chunks with parallel_ask_llm and answers", async () => {
    const document = makeDocument({ chars: 50_000, needle: READING_NEEDLE, at: 0.7 });
    const models = await testModels({ root: delegateRoot("parallel"), sub: readerSub });
    const trace = traceFile("pyodide");
    const rlm = new RLM({
      model: models.spec("root"),
      subModel: models.spec("sub"),
      sandbox: { runtime: "pyodide" },
      trace,
    });
    const result = await rlm.completion(document, READING_QUERY);

    expect(result).toMatchObject({ answer: READING_ANSWER, stopReason: "answer", iterations: 3 });
    expect(result.subCalls).toBe(Math.ceil(document.length / 6000));
    const { runs } = await readTrajectory(trace);
    expect(runs[0]?.iterations[0]?.code_blocks[0]?.result.stdout).toContain(`str ${document.length}`);
  }, 120_000);
});
