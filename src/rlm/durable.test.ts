/**
 * Durable runs through the library, judged at the fake server (which counts every request that
 * really leaves): a recorded run replays with no request, a run stopped by a limit resumes without
 * paying again for what it had, child RLMs included; other inputs or another question are refused.
 */

import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { fanOutPolicies, wordsContext } from "../../test/policies/durable.js";
import { testModels, traceFile } from "../../test/policies/harness.js";
import { readTrajectory } from "../trace/index.js";
import { RLM, replay } from "./index.js";
import type { RLMOptions } from "./types.js";

const WORDS = 1_200;
const context = wordsContext(WORDS);
const QUERY = "How many words are there?";

async function setUp(policy: Parameters<typeof fanOutPolicies>[0] = {}) {
  const models = await testModels(fanOutPolicies(policy));
  const options = (extra: Partial<RLMOptions> = {}): RLMOptions => ({
    model: models.spec("root"),
    subModel: models.spec("sub"),
    depthModels: [models.spec("root"), models.spec("child")],
    sandbox: { runtime: "process" },
    ...extra,
  });
  const requests = (model: string) =>
    models.server.requests.filter((request) => request.model === model).length;
  return { models, options, requests };
}

describe("durable runs", () => {
  it("records a run as it goes and replays it with no request: same code, output and answer", async () => {
    const { models, options, requests } = await setUp();
    const trace = traceFile("recorded");
    const result = await new RLM(options({ trace })).completion(context, QUERY, { inputs: ["words.txt"] });
    expect(result.answer).toMatch(new RegExp(`^total=${WORDS} picked=\\[`));
    const sent = models.server.requests.length;
    expect(requests("sub")).toBe(WORDS / 100);

    const { runs } = await readTrajectory(trace);
    const recorded = runs[0]!;
    expect(recorded.calls.map((call) => call.site)).toEqual(
      expect.arrayContaining(["1", "2", "s1", `s${WORDS / 100}`]),
    );
    expect(recorded.metadata).toMatchObject({ inputs: ["words.txt"], seed: expect.any(Number) });
    expect(recorded.metadata.context_sha256).toMatch(/^[0-9a-f]{64}$/);

    const replayed = await replay(trace, { context });
    expect(replayed.report).toBeUndefined();
    expect(replayed.reproduced).toBe(true);
    expect(replayed.result.answer).toBe(result.answer);
    expect(replayed.replayedCalls).toBe(2 + WORDS / 100);
    expect(models.server.requests.length).toBe(sent);
  });

  it("a replay that prints something else (the clock) reports where, as a diff", async () => {
    const { options } = await setUp({ clock: true });
    const trace = traceFile("clock");
    await new RLM(options({ trace, recordContext: true })).completion(context, QUERY);
    // The context is in the trajectory: the replay needs no inputs.
    const replayed = await replay(trace);
    expect(replayed.reproduced).toBe(false);
    expect(replayed.difference?.where).toBe("turn 1, block 1, stdout");
    expect(replayed.report).toMatch(
      /^first difference: turn 1, block 1, stdout \(from line 2\)\n- \d+\n\+ \d+$/,
    );
  });

  it("a replay of a record whose sub-call prompt was changed fails at that call", async () => {
    const { models, options } = await setUp();
    const trace = traceFile("tampered");
    await new RLM(options({ trace })).completion(context, QUERY);
    const sent = models.server.requests.length;
    const text = readFileSync(trace, "utf8").replace('"site":"s3","model"', '"site":"s3x","model"');
    writeFileSync(trace, text);
    const replayed = await replay(trace, { context });
    expect(replayed.reproduced).toBe(false);
    expect(replayed.difference?.where).toBe("model call s3");
    expect(models.server.requests.length).toBe(sent);
  });

  it("resumes a run stopped by max-iterations with a higher limit, paying only for the new turns", async () => {
    const { options, requests } = await setUp({ warmUpTurns: 1 });
    const trace = traceFile("limited");
    const stopped = await new RLM(options({ trace, limits: { maxIterations: 2 } })).completion(
      context,
      QUERY,
    );
    expect(stopped.stopReason).toBe("max-iterations");
    // Two turns and the last call for a best answer.
    expect(requests("root")).toBe(3);
    expect(requests("sub")).toBe(WORDS / 100);

    const resumed = await new RLM(options({ limits: { maxIterations: 5 } })).completion(context, QUERY, {
      resume: trace,
    });
    expect(resumed.stopReason).toBe("answer");
    expect(resumed.answer).toMatch(new RegExp(`^total=${WORDS} `));
    expect(resumed.tracePath).toBe(trace);
    // Only turn 3 was sent; turns 1-2 and every sub-call came from the record.
    expect(requests("root")).toBe(4);
    expect(requests("sub")).toBe(WORDS / 100);
    // Usage counts the recorded calls as when they were paid.
    expect(resumed.iterations).toBe(3);

    const { runs } = await readTrajectory(trace);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ resumes: 1, result: { stop_reason: "answer" } });
    expect(runs[0]!.iterations.map((iteration) => iteration.iteration)).toEqual([1, 2, 3]);
    // And the resumed file replays whole.
    expect((await replay(trace, { context })).reproduced).toBe(true);
  });

  it("at depth 2: child RLMs are recorded, resumed and replayed without a request", async () => {
    const { models, options, requests } = await setUp({ recursive: true, chunkChars: 3_600 });
    const trace = traceFile("depth2");
    const stopped = await new RLM(options({ trace, maxDepth: 2, limits: { maxIterations: 1 } })).completion(
      context,
      QUERY,
    );
    expect(stopped.stopReason).toBe("max-iterations");
    const children = WORDS / 600;
    expect(requests("child")).toBe(children);
    const resumed = await new RLM(options({ maxDepth: 2 })).completion(context, QUERY, { resume: trace });
    expect(resumed.answer).toMatch(new RegExp(`^total=${WORDS} `));
    expect(requests("child")).toBe(children);
    const { runs } = await readTrajectory(trace);
    expect(runs[0]!.calls.map((call) => call.site)).toContain("s1:1");

    const sent = models.server.requests.length;
    const replayed = await replay(trace, { context });
    expect(replayed.reproduced).toBe(true);
    expect(models.server.requests.length).toBe(sent);
  });

  it("resumes a file whose last line was cut off mid-write: the torn line is dropped, the file stays readable", async () => {
    const { options, requests } = await setUp();
    const trace = traceFile("torn");
    await new RLM(options({ trace, limits: { maxIterations: 1 } })).completion(context, QUERY);
    const lines = readFileSync(trace, "utf8").trimEnd().split("\n");
    // The process died while writing the last reply (the best-answer call's): half of it is on disk.
    const torn = lines.findIndex((line) => line.includes('"site":"final'));
    writeFileSync(trace, `${lines.slice(0, torn).join("\n")}\n${lines[torn]!.slice(0, 40)}`);
    const roots = requests("root");
    const resumed = await new RLM(options()).completion(context, QUERY, { resume: trace });
    expect(resumed.answer).toMatch(new RegExp(`^total=${WORDS} `));
    expect(requests("root")).toBe(roots + 1);
    const { runs, truncated } = await readTrajectory(trace);
    expect(truncated).toBe(false);
    expect(runs[0]!.result?.stop_reason).toBe("answer");
  });

  it("refuses to resume another question or other inputs, saying which", async () => {
    const { options } = await setUp();
    const trace = traceFile("refused");
    await new RLM(options({ trace })).completion(context, QUERY);
    const rlm = new RLM(options());
    await expect(rlm.completion(context, "Another question?", { resume: trace })).rejects.toMatchObject({
      code: "resume-mismatch",
      message: expect.stringContaining(QUERY),
    });
    await expect(rlm.completion(`${context}more`, QUERY, { resume: trace })).rejects.toMatchObject({
      code: "resume-mismatch",
      message: expect.stringContaining("inputs differ"),
    });
    await expect(replay(trace)).rejects.toMatchObject({ code: "resume-mismatch" });
  });
});
