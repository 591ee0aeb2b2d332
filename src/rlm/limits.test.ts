/**
 * Budgets end to end: each limit stops the run, one last call asks for the best answer, and the
 * result names the limit. Also cancellation in the middle of a batch, a sub-call that fails, and
 * a backend that goes down mid-run (a clear error and the trajectory kept on disk).
 */

import { describe, expect, it } from "vitest";
import type { FakePolicy, FakeReply, FakeRequest } from "../../test/fakes/types.js";
import { code, lastStdout, lastUserMessage, scripted } from "../../test/policies/conversation.js";
import { type FakeModels, testModels, traceFile } from "../../test/policies/harness.js";
import { readTrajectory } from "../trace/index.js";
import type { RlmEvent } from "../trace/types.js";
import { RLM, RunError } from "./index.js";
import type { RLMOptions } from "./types.js";

const CONTEXT = "one two three four five six seven eight nine ten ".repeat(50);

let models: FakeModels | undefined;

/** A root model that keeps working in code until told to stop, then gives its best answer. */
function tireless(work: (request: FakeRequest) => FakeReply | string): FakePolicy {
  return (request) => {
    if (lastUserMessage(request).includes("Stop: ")) return { text: "FINAL(best so far)" };
    const reply = work(request);
    return typeof reply === "string" ? { text: reply } : reply;
  };
}

async function run(root: FakePolicy, options: Partial<RLMOptions>, sub?: FakePolicy, signal?: AbortSignal) {
  models = await testModels({ root, ...(sub ? { sub } : {}) });
  const trace = traceFile("limits");
  const events: RlmEvent[] = [];
  const rlm = new RLM({
    model: models.spec("root"),
    subModel: models.spec(sub ? "sub" : "root"),
    sandbox: { runtime: "process" },
    trace,
    onEvent: (event) => events.push(event),
    ...options,
  });
  // Python is started first, so a busy machine's slow start does not eat into the time limit.
  await rlm.warm();
  const result = await rlm.completion(CONTEXT, "Count the words.", signal ? { signal } : {});
  return { result, events, trajectory: await readTrajectory(trace), server: models.server };
}

describe("limits", () => {
  it("maxIterations: stops after N turns and asks for the best answer", async () => {
    const { result, trajectory } = await run(
      tireless(() => code("print(len(context))")),
      {
        limits: { maxIterations: 2 },
      },
    );
    expect(result).toMatchObject({ stopReason: "max-iterations", iterations: 2, answer: "best so far" });
    const iterations = trajectory.runs[0]?.iterations ?? [];
    expect(iterations).toHaveLength(3);
    expect(iterations[2]).toMatchObject({ stop_reason: "max-iterations", final_answer: "best so far" });
    expect(trajectory.runs[0]?.result?.stop_reason).toBe("max-iterations");
  });

  it("maxTokens: counts every call's tokens and stops when the total reaches the limit", async () => {
    const { result } = await run(
      tireless(() => ({ text: code("print(1)"), promptTokens: 1000, completionTokens: 10 })),
      { limits: { maxTokens: 2500 } },
    );
    expect(result.stopReason).toBe("max-tokens");
    expect(result.iterations).toBe(3);
    expect(result.answer).toBe("best so far");
    // Three turns plus the last call, all counted.
    expect(result.usage[models?.spec("root") ?? ""]?.calls).toBe(4);
  });

  it("maxCostUsd: prices from the pool's table", async () => {
    const { result } = await run(
      tireless(() => ({ text: code("print(1)"), promptTokens: 100, completionTokens: 0 })),
      {
        limits: { maxCostUsd: 0.25 },
        pool: { prices: { root: { inputPerMillion: 1000, outputPerMillion: 0 } } },
      },
    );
    // Each turn costs 100 tokens x $0.001 = $0.10: the third reaches $0.30. The last call is counted too.
    expect(result.stopReason).toBe("max-cost");
    expect(result.iterations).toBe(3);
    expect(result.usage[models?.spec("root") ?? ""]?.costUsd).toBeGreaterThan(0.3);
  });

  it("timeoutMs: interrupts running code at the deadline", async () => {
    const { result, trajectory } = await run(
      tireless(() => code("import time\nfor _ in range(1200):\n    time.sleep(0.05)")),
      {
        limits: { timeoutMs: 3000 },
      },
    );
    expect(result).toMatchObject({ stopReason: "timeout" });
    expect(result.answer).toBe("best so far");
    expect(trajectory.runs[0]?.iterations[0]?.code_blocks).toHaveLength(1);
    expect(trajectory.runs[0]?.iterations[0]?.code_blocks[0]?.result.error).toContain("KeyboardInterrupt");
  });

  it("maxSubCalls: the call over the limit fails and the run stops", async () => {
    const { result, trajectory } = await run(
      tireless(() =>
        code("replies = []\nfor i in range(10):\n    replies.append(llm_query(f'part {i}'))\nprint(replies)"),
      ),
      { limits: { maxSubCalls: 3 } },
      () => ({ text: "ok" }),
    );
    expect(result.stopReason).toBe("max-sub-calls");
    expect(result.subCalls).toBe(3);
    expect(result.answer).toBe("best so far");
    expect(trajectory.runs[0]?.iterations[0]?.code_blocks[0]?.result.rlm_calls).toHaveLength(3);
  });
});

describe("failures", () => {
  it("cancellation mid-batch: aborts in-flight sub-calls and returns what was done", async () => {
    const caller = new AbortController();
    let started = 0;
    const slowSub: FakePolicy = () => {
      started++;
      if (started === 3) caller.abort();
      return { text: "late", delayMs: 30_000 };
    };
    const root = scripted([() => code("print(parallel_ask_llm([f'chunk {i}' for i in range(8)]))")]);
    const { result, events, trajectory } = await run(root, { concurrency: 4 }, slowSub, caller.signal);
    expect(result.stopReason).toBe("aborted");
    expect(result.answer).toBe("");
    expect(result.iterations).toBe(1);
    const ended = events.filter((event) => event.type === "subcall-end");
    expect(ended.length).toBeGreaterThan(0);
    expect(ended.every((event) => event.type === "subcall-end" && event.error !== undefined)).toBe(true);
    expect(trajectory.runs[0]?.result?.stop_reason).toBe("aborted");
    // The server saw its connections closed: nothing is left in flight.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(models?.server.inFlight).toBe(0);
  });

  it("a sub-call that errors becomes an [error] slot the model can read, and the run goes on", async () => {
    const failingSub: FakePolicy = (request) =>
      (request.messages.at(-1)?.content ?? "").includes("bad")
        ? { fault: "status", status: 400, message: "this prompt is refused" }
        : { text: "fine" };
    const root = scripted([
      () => code("replies = parallel_ask_llm(['good 1', 'bad', 'good 2'])\nprint(replies)"),
      (request) => `FINAL(${lastStdout(request).includes("[error]") ? "saw the error" : "no error"})`,
    ]);
    const { result, trajectory } = await run(root, { pool: { maxRetries: 0 } }, failingSub);
    expect(result).toMatchObject({ stopReason: "answer", answer: "saw the error", subCalls: 3 });
    const calls = trajectory.runs[0]?.iterations[0]?.code_blocks[0]?.result.rlm_calls ?? [];
    expect(calls.filter((call) => call.error !== undefined)).toHaveLength(1);
    expect(calls.find((call) => call.error)?.error).toContain("this prompt is refused");
  });

  it("a backend that goes down mid-run: stop reason error, a clear message, the trajectory on disk", async () => {
    const root: FakePolicy = (request) => {
      if (request.messages.filter((message) => message.role === "assistant").length === 0) {
        return { text: code("print(len(context))") };
      }
      void models?.server.close();
      return { fault: "drop" };
    };
    // The failure produced no answer: completion() rejects, with what the run did until then.
    const failed = await run(root, { pool: { maxRetries: 1 } }).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(RunError);
    const error = failed as RunError;
    const result = error.result;
    expect(error.code).toBe(result.failure?.code);
    expect(error.message).toBe(result.error);
    expect(error.tracePath).toBe(result.tracePath);
    expect(error.usage[models!.spec("root")]?.calls).toBeGreaterThanOrEqual(1);
    const trajectory = await readTrajectory(result.tracePath!);
    expect(result.stopReason).toBe("error");
    expect(result.error).toMatch(
      /^Failed while calling the root model openai-compatible:.*#root: .*127\.0\.0\.1/,
    );
    // The failing error's code reaches the result, so the CLI and server can map it (exit 4, HTTP 502).
    expect(result.failure?.code).toMatch(/^(backend-unreachable|connection-error)$/);
    expect(result.failure).toMatchObject({ url: expect.stringContaining("127.0.0.1"), isRetryable: true });
    expect(result.iterations).toBe(2);
    const run0 = trajectory.runs[0];
    expect(run0?.metadata.query).toBe("Count the words.");
    expect(run0?.iterations).toHaveLength(1);
    expect(run0?.iterations[0]?.code_blocks[0]?.result.stdout.trim()).toBe(String(CONTEXT.length));
    expect(run0?.result).toMatchObject({ stop_reason: "error" });
    expect(run0?.result?.error).toBe(result.error);
  });
});
