/**
 * The fan-out preflight at the boundary: a fake OpenAI server that counts requests sees none for a
 * refused batch or a dry run, and a batch that fits reaches it unchanged; the trajectory keeps each
 * batch's estimate and what it actually took.
 */

import { describe, expect, it } from "vitest";
import type { FakePolicy } from "../../test/fakes/types.js";
import { code, lastStdout, scripted } from "../../test/policies/conversation.js";
import { testModels, traceFile } from "../../test/policies/harness.js";
import { readTrajectory } from "../trace/index.js";
import { RLM } from "./index.js";
import type { RLMOptions } from "./types.js";

const CONTEXT = "a context to read ".repeat(20);

/** Runs the root's `source` once, then submits what it printed; the sub-model answers "ok". */
async function runCode(
  source: string,
  options: Partial<RLMOptions>,
  sub: FakePolicy = () => ({ text: "ok", completionTokens: 5 }),
) {
  const root: FakePolicy = scripted([
    () => code(`print(len(context))\n${source}`),
    (request) => code(`FINAL(${JSON.stringify(lastStdout(request))})`),
  ]);
  const models = await testModels({ root, sub });
  const trace = traceFile("preflight");
  const rlm = new RLM({
    model: models.spec("root"),
    subModel: models.spec("sub"),
    sandbox: { runtime: "process" },
    trace,
    ...options,
  });
  try {
    const result = await rlm.completion(CONTEXT, "Read it.");
    const trajectory = await readTrajectory(trace);
    const block = trajectory.runs[0]?.iterations[0]?.code_blocks[0];
    const subRequests = models.server.requests.filter((request) => request.model === "sub");
    return { result, block, subRequests };
  } finally {
    await rlm.close();
  }
}

describe("batch preflight", () => {
  it("refuses a batch over the sub-call limit with a Python exception; the server sees no request", async () => {
    const { result, block, subRequests } = await runCode(
      "try:\n    llm_query_batched([f'part {i}' for i in range(10)])\nexcept RuntimeError as e:\n    print(e)",
      { limits: { maxSubCalls: 4 } },
    );
    expect(subRequests).toHaveLength(0);
    expect(result.subCalls).toBe(0);
    expect(result.answer).toContain("llm_query_batched refused, nothing was sent: 10 prompts");
    expect(result.answer).toContain("left: 4 sub-calls");
    expect(result.answer).toContain("Over the sub-calls limit");
    expect(result.answer).toContain("about 4 prompts of this size fit");
    expect(result.answer).toContain("dry_run=True");
    expect(block?.result.batches).toHaveLength(1);
    expect(block?.result.batches?.[0]).toMatchObject({
      refused: expect.stringContaining("refused"),
      estimate: { prompts: 10, fits: false, over: ["sub_calls"], max_prompts: 4, left: { sub_calls: 4 } },
    });
  });

  it("refuses a batch over the token and cost limits, saying what is left", async () => {
    const { result, subRequests } = await runCode(
      "try:\n    llm_query_batched(['x' * 4000] * 3)\nexcept RuntimeError as e:\n    print(e)",
      {
        limits: { maxTokens: 50_000, maxCostUsd: 0.01 },
        pool: { prices: { sub: { inputPerMillion: 10, outputPerMillion: 10 } } },
      },
    );
    expect(subRequests).toHaveLength(0);
    // 3 x (4000 / 4 + 8) input + 3 x 256 output = 3792 tokens, $0.03792 at $10 per million.
    expect(result.answer).toContain("~3792 tokens, ~$0.03792");
    expect(result.answer).toContain("Over the cost limit");
  });

  it("refuses a batch whose waves at the current concurrency outlast the time left", async () => {
    const { result, subRequests } = await runCode(
      [
        "e = llm_query_batched(['p'] * 100, dry_run=True)",
        "print(e['seconds'], e['concurrency'], e['over'], e['max_prompts'])",
        "try:",
        "    llm_query_batched(['p'] * 100)",
        "except RuntimeError as e:",
        "    print(e)",
      ].join("\n"),
      { concurrency: 2, limits: { timeoutMs: 20_000 } },
    );
    expect(subRequests).toHaveLength(0);
    // 50 waves of 2 at the assumed 1 s a wave, with under 20 s left: at most 19 waves of 2 fit.
    expect(result.answer).toMatch(/\n50 2 \['seconds'\] (36|38)\n/);
    expect(result.answer).toContain("Over the time limit");
  });

  it("dry_run returns the estimate as a dict and sends nothing", async () => {
    const { result, block, subRequests } = await runCode(
      [
        "e = llm_query_batched(['abcd' * 100] * 3, dry_run=True)",
        "print(type(e).__name__, e['prompts'], e['input_tokens'], e['output_tokens'], e['fits'], e['left']['sub_calls'])",
      ].join("\n"),
      { limits: { maxSubCalls: 50 }, maxReplyTokens: { sub: 100 } },
    );
    expect(subRequests).toHaveLength(0);
    // 400 characters at 4 a token, plus 8 for the message: 108 a prompt; replies capped at 100.
    expect(result.answer).toContain("dict 3 324 300 True 50");
    expect(block?.result.batches?.[0]).toMatchObject({ dry_run: true, estimate: { prompts: 3, fits: true } });
  });

  it("sends a batch that fits unchanged and records its estimate beside what it took", async () => {
    const { result, block, subRequests } = await runCode(
      "print(llm_query_batched(['first part', 'second part', 'third part']))",
      { limits: { maxSubCalls: 10, maxTokens: 100_000 } },
    );
    expect(subRequests.map((request) => request.messages.at(-1)?.content).sort()).toEqual([
      "first part",
      "second part",
      "third part",
    ]);
    expect(result.answer).toContain("['ok', 'ok', 'ok']");
    const batch = block?.result.batches?.[0];
    expect(batch?.refused).toBeUndefined();
    expect(batch?.estimate).toMatchObject({ prompts: 3, fits: true, calibrated: false });
    expect(batch?.actual).toMatchObject({ output_tokens: 15, failed: 0 });
    expect(batch?.actual?.input_tokens).toBeGreaterThan(0);
  });

  it("calibrates the ratio on the run's own replies: a later estimate uses the model's counts", async () => {
    const { result } = await runCode(
      [
        "llm_query_batched(['y' * 400, 'z' * 400])",
        "e = llm_query_batched(['y' * 400], dry_run=True)",
        "print(e['calibrated'], e['chars_per_token'], e['input_tokens'], e['output_tokens'])",
      ].join("\n"),
      {},
      // This model counts 2 characters a token, and replies with 7.
      (request) => ({
        text: "ok",
        promptTokens: (request.messages.at(-1)?.content.length ?? 0) / 2,
        completionTokens: 7,
      }),
    );
    expect(result.answer).toContain("True 2 200 7");
  });
});
