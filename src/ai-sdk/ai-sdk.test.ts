/**
 * `rlm/ai-sdk` at its boundary: the real `ai` package's `generateText` and `streamText` drive an
 * RLM model whose root and sub models are a fake OpenAI-compatible server writing code (real Python
 * in the process sandbox), so every answer comes out of Python run over the prompt's context.
 */

import { existsSync } from "node:fs";
import { APICallError, InvalidArgumentError, InvalidPromptError } from "@ai-sdk/provider";
import { generateText, jsonSchema, streamText, tool } from "ai";
import { describe, expect, it, onTestFinished } from "vitest";
import { closeAfterTest } from "../../test/fakes/close-after-test.js";
import { startFakeOpenAI } from "../../test/fakes/index.js";
import type { FakePolicy, FakeServer } from "../../test/fakes/types.js";
import { promptsSeenBy, traceFile } from "../../test/policies/harness.js";
import { codeWritingPolicy, type PolicyOptions } from "../cli/__fixtures__/code-writing-policy.js";
import { RunError } from "../rlm/index.js";
import { readTrajectory } from "../trace/index.js";
import { createRlm, RlmCallError, type RlmLanguageModel, type RlmProviderOptions } from "./index.js";

// The tests read the warnings from the results; the SDK need not print them too.
(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

const DOCUMENT = "Log: the code is 17. Later the code is 4.";

/** The code-writing policy, plus the best answer a root model gives when a limit stops it. */
function policy(options: PolicyOptions = {}): FakePolicy {
  const codeWriting = codeWritingPolicy(options);
  return (request) => {
    const last = request.messages[request.messages.length - 1]?.content ?? "";
    if (request.model === "root" && last.includes("Stop: ")) return { text: "FINAL(best so far)" };
    return codeWriting(request);
  };
}

let backend: FakeServer;

/** A model over a fresh fake backend (`backend`), closed when the test finishes. */
async function rlmModel(options: PolicyOptions = {}): Promise<RlmLanguageModel> {
  backend = closeAfterTest(await startFakeOpenAI(policy(options)));
  const rlm = createRlm({
    subModel: `openai-compatible:${backend.url}/v1#sub`,
    sandbox: { runtime: "process" },
    limits: { maxIterations: 60 },
  });
  const model = rlm(`openai-compatible:${backend.url}/v1#root`);
  onTestFinished(() => model.close());
  return model;
}

/** The run is over: the backend gets no request in the next half second. */
async function expectNoMoreRequests(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 200));
  const sent = backend.requests.length;
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(backend.requests.length).toBe(sent);
}

const question = [
  { role: "user" as const, content: DOCUMENT },
  { role: "user" as const, content: "Which codes appear?" },
];

describe("rlm/ai-sdk with generateText", () => {
  it("answers over the earlier messages, with usage summed over the run's models", async () => {
    const model = await rlmModel();
    const result = await generateText({ model, messages: question });
    expect(result.text).toMatch(/^codes=4,17 parts=1 files= sub=words=\d+$/);
    expect(result.finishReason).toBe("stop");
    expect(result.rawFinishReason).toBe("answer");
    expect(result.warnings).toEqual([]);
    const metadata = result.providerMetadata?.rlm as {
      stopReason: string;
      iterations: number;
      subCalls: number;
      usage: Record<string, { promptTokens: number; completionTokens: number }>;
    };
    expect(metadata).toMatchObject({ stopReason: "answer", iterations: 2, subCalls: 1 });
    // Root and sub-model both counted, and the SDK's usage is their sum.
    const perModel = Object.values(metadata.usage);
    expect(perModel).toHaveLength(2);
    const sum = (key: "promptTokens" | "completionTokens") =>
      perModel.reduce((total, usage) => total + usage[key], 0);
    expect(result.usage.inputTokens).toBe(sum("promptTokens"));
    expect(result.usage.outputTokens).toBe(sum("completionTokens"));
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.response.modelId).toBe(model.modelId);
  });

  it("reads attached text files as a dict named by file name, and leaves images out with a warning", async () => {
    const model = await rlmModel();
    const result = await generateText({
      model,
      system: "Answer tersely.",
      temperature: 0.2,
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Which codes appear in the logs?" },
            {
              type: "file",
              mediaType: "text/plain",
              filename: "a.log",
              data: new TextEncoder().encode("the code is 808"),
            },
            {
              type: "file",
              mediaType: "text/plain",
              filename: "b.log",
              data: { type: "text", text: "the code is 9" },
            },
            { type: "file", data: new Uint8Array([137, 80, 78, 71]), mediaType: "image/png" },
          ],
        },
      ],
    });
    expect(result.text).toMatch(/^codes=9,808 parts=2 files=a\.log,b\.log sub=words=\d+$/);
    // System messages are instructions for the root model, not context.
    expect(promptsSeenBy(backend, "root")).toContain("Answer tersely.");
    expect(result.warnings).toEqual([
      expect.objectContaining({ type: "unsupported", feature: "temperature" }),
      expect.objectContaining({ type: "unsupported", feature: "file parts of type image/png" }),
    ]);
  });

  it("warns about call options an RLM does not honour", async () => {
    const model = await rlmModel();
    const result = await generateText({
      model,
      messages: question,
      maxOutputTokens: 100,
      tools: {
        weather: tool({ description: "the weather", inputSchema: jsonSchema({ type: "object" }) }),
      },
      providerOptions: { rlm: { maxIterations: 10 } satisfies RlmProviderOptions },
    });
    expect(result.text).toMatch(/^codes=4,17/);
    const invalid = await generateText({
      model,
      messages: question,
      providerOptions: { rlm: { maxIteration: 3 } },
    }).catch((caught: unknown) => caught);
    expect(InvalidArgumentError.isInstance(invalid)).toBe(true);
    expect((invalid as Error).message).toBe(
      "Invalid providerOptions.rlm: Unrecognized key(s) in object: 'maxIteration' (maxIteration).",
    );
    expect(
      result.warnings?.map((warning) => (warning.type === "unsupported" ? warning.feature : "")),
    ).toEqual(["maxOutputTokens", "tools"]);
  });

  it("stops at a limit from providerOptions.rlm, with finish reason other and a warning naming it", async () => {
    const model = await rlmModel({ extraTurns: 50 });
    const result = await generateText({
      model,
      messages: question,
      providerOptions: { rlm: { maxIterations: 2 } satisfies RlmProviderOptions },
    });
    expect(result.text).toBe("best so far");
    expect(result.finishReason).toBe("other");
    expect(result.rawFinishReason).toBe("max-iterations");
    expect(result.warnings).toEqual([
      {
        type: "other",
        message:
          "The RLM run stopped before the model submitted an answer (max-iterations): the iteration limit (2) was reached. The text is its best answer so far.",
      },
    ]);
  });

  it("writes the trajectory to the path in providerOptions.rlm.trace", async () => {
    const model = await rlmModel();
    const trace = traceFile("ai-sdk");
    const result = await generateText({
      model,
      messages: question,
      providerOptions: { rlm: { trace } },
    });
    expect(existsSync(trace)).toBe(true);
    const trajectory = await readTrajectory(trace);
    expect(trajectory.runs[0]?.result).toMatchObject({ stop_reason: "answer", answer: result.text });
    expect(result.providerMetadata?.rlm).toMatchObject({ tracePath: trace });
  });

  it("stops the run when the abort signal fires", async () => {
    const model = await rlmModel({ extraTurns: 50, rootDelayMs: 100 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 800);
    const started = Date.now();
    await expect(
      generateText({ model, messages: question, abortSignal: controller.signal, maxRetries: 0 }),
    ).rejects.toMatchObject({ name: "AbortError" });
    expect(Date.now() - started).toBeLessThan(5_000);
    await expectNoMoreRequests();
  });

  it("rejects with an APICallError naming the failure when the backend is down", async () => {
    const rlm = createRlm({ sandbox: { runtime: "process" }, pool: { maxRetries: 0 } });
    const model = rlm("openai-compatible:http://127.0.0.1:9/v1#root");
    onTestFinished(() => model.close());
    const error = await generateText({ model, messages: question }).catch((caught: unknown) => caught);
    expect(APICallError.isInstance(error)).toBe(true);
    expect(error).toBeInstanceOf(RlmCallError);
    expect(error).toMatchObject({ isRetryable: false });
    const failure = error as RlmCallError;
    expect(failure.message).toMatch(/^The RLM run failed: /);
    expect(failure.message).toContain("127.0.0.1:9");
    expect(failure.code).toBe("backend-unreachable");
    expect(failure.url).toBe("http://127.0.0.1:9/v1/chat/completions");
    // The engine's own rejection, with what the run did, is the cause.
    expect(failure.cause).toBeInstanceOf(RunError);
    expect((failure.cause as RunError).result.stopReason).toBe("error");
  });

  it("refuses a prompt with no context as an InvalidPromptError, before any run", async () => {
    const model = await rlmModel();
    const error = await generateText({ model, prompt: "Which codes appear?" }).catch(
      (caught: unknown) => caught,
    );
    expect(InvalidPromptError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain("There is no context to read");
    expect((error as Error).message).toContain("providerOptions.rlm.context");
    const context = await generateText({
      model,
      prompt: "Which codes appear?",
      providerOptions: { rlm: { context: { "x.txt": "the code is 5" } } },
    });
    expect(context.text).toMatch(/^codes=5 parts=1 files=x\.txt/);
  });
});

describe("rlm/ai-sdk with streamText", () => {
  it("streams the answer, then the usage and the finish reason", async () => {
    const model = await rlmModel();
    const result = streamText({ model, messages: question });
    let text = "";
    for await (const delta of result.textStream) text += delta;
    expect(text).toMatch(/^codes=4,17 parts=1 files= sub=words=\d+$/);
    expect(await result.finishReason).toBe("stop");
    const usage = await result.usage;
    expect(usage.inputTokens).toBeGreaterThan(0);
    expect(usage.outputTokens).toBeGreaterThan(0);
    expect(await result.reasoningText).toBeUndefined();
  });

  it("reports progress as reasoning when asked, and a limit in the finish reason", async () => {
    const model = await rlmModel({ extraTurns: 50 });
    const result = streamText({
      model,
      messages: question,
      providerOptions: { rlm: { maxIterations: 2, progress: true } },
    });
    const kinds: string[] = [];
    for await (const part of result.fullStream) kinds.push(part.type);
    expect(await result.text).toBe("best so far");
    expect(await result.finishReason).toBe("other");
    expect(await result.rawFinishReason).toBe("max-iterations");
    const reasoning = (await result.reasoningText) ?? "";
    expect(reasoning).toContain('print("warming up 0")');
    expect(reasoning).toContain("warming up 0\n");
    expect(kinds.indexOf("reasoning-start")).toBeLessThan(kinds.indexOf("text-start"));
    const metadata = (await result.providerMetadata)?.rlm as { warnings: string[] };
    expect(metadata.warnings).toEqual([expect.stringContaining("the iteration limit (2) was reached")]);
  });

  it("fails the stream when the run fails: textStream throws, text and usage reject", async () => {
    const rlm = createRlm({ sandbox: { runtime: "process" }, pool: { maxRetries: 0 } });
    const model = rlm("openai-compatible:http://127.0.0.1:9/v1#root");
    onTestFinished(() => model.close());
    const result = streamText({ model, messages: question });
    let text = "";
    const reading = (async () => {
      for await (const delta of result.textStream) text += delta;
    })();
    const error = await reading.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RlmCallError);
    expect((error as RlmCallError).code).toBe("backend-unreachable");
    expect((error as Error).message).toMatch(/^The RLM run failed: .*127\.0\.0\.1:9/);
    expect(text).toBe("");
    await expect(result.text).rejects.toBe(error);
    await expect(result.usage).rejects.toBe(error);
  });

  it("stops the run when the abort signal fires", async () => {
    const model = await rlmModel({ extraTurns: 50, rootDelayMs: 100 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 800);
    const started = Date.now();
    const result = streamText({ model, messages: question, abortSignal: controller.signal });
    const kinds: string[] = [];
    for await (const part of result.fullStream) kinds.push(part.type);
    expect(kinds).toContain("abort");
    expect(kinds).not.toContain("text-delta");
    expect(Date.now() - started).toBeLessThan(5_000);
    await expectNoMoreRequests();
  });

  it("stops the run when the model's stream is cancelled", async () => {
    const model = await rlmModel({ extraTurns: 50, rootDelayMs: 100 });
    const { stream } = await model.doStream({
      prompt: [
        { role: "user", content: [{ type: "text", text: DOCUMENT }] },
        { role: "user", content: [{ type: "text", text: "Which codes appear?" }] },
      ],
      providerOptions: { rlm: { progress: true } },
    });
    const reader = stream.getReader();
    const kinds: string[] = [];
    while (!kinds.includes("reasoning-delta")) kinds.push((await reader.read()).value?.type ?? "done");
    expect(kinds.slice(0, 3)).toEqual(["stream-start", "response-metadata", "reasoning-start"]);
    await reader.cancel();
    await expectNoMoreRequests();
    expect(backend.requests.length).toBeLessThan(10);
  });
});
