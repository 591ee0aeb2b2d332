/**
 * Whole RLM runs whose models are AI SDK models: a real `@ai-sdk/openai-compatible` provider on the
 * fake OpenAI server plays the root and the sub-model with scripted policies, and the run's usage
 * per model, trajectory, `model=` names and replay come out as they do for spec strings.
 */

import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { describe, expect, expectTypeOf, it } from "vitest";
import { closeAfterTest } from "../../../test/fakes/close-after-test.js";
import { startFakeOpenAI } from "../../../test/fakes/index.js";
import {
  byModel,
  code,
  lastStdout,
  lastUserMessage,
  scripted,
  subCallCharsOf,
} from "../../../test/policies/conversation.js";
import { traceFile } from "../../../test/policies/harness.js";
import { codeWritingPolicy } from "../../cli/__fixtures__/code-writing-policy.js";
import { fromAiSdk, type ModelRef, RLM, type RLMOptions, replay } from "../../index.js";
import { readTrajectory } from "../../trace/index.js";
import type { RlmEvent } from "../../trace/types.js";

async function localProvider(policy: Parameters<typeof startFakeOpenAI>[0]) {
  const server = closeAfterTest(await startFakeOpenAI(policy));
  return {
    server,
    provider: createOpenAICompatible({ name: "local", baseURL: `${server.url}/v1`, includeUsage: true }),
  };
}

describe("an RLM on AI SDK models", () => {
  it("type-checks with AI SDK models wherever a model is configured", () => {
    const provider = createOpenAICompatible({ name: "x", baseURL: "http://127.0.0.1:9/v1" });
    const options: RLMOptions = {
      model: provider("x"),
      subModel: provider("y"),
      depthModels: [provider("x"), "ollama:qwen3:4b"],
      allowedSubModels: [fromAiSdk(provider("z"), { contextWindow: 8_192 }), "ollama:smollm:1.7b"],
    };
    expect(new RLM({ model: provider("x") }).options.model).toBeDefined();
    expect(new RLM(options).options.subModel).toBe(options.subModel);
    expectTypeOf(provider("x")).toMatchTypeOf<ModelRef>();
  });

  it("refuses an AI SDK model of an older specification, naming the option", () => {
    const v2 = { specificationVersion: "v2", provider: "p", modelId: "m", doGenerate: () => undefined };
    expect(() => new RLM({ model: "ollama:qwen3:4b", subModel: v2 as unknown as ModelRef })).toThrow(
      "subModel is an AI SDK language model of specification v2; only v4 (ai 7) and v3 (ai 6) are supported.",
    );
    expect(() => new RLM({ model: v2 as unknown as ModelRef })).toThrow("model is an AI SDK language model");
    expect(() => new RLM({ model: 42 as unknown as ModelRef })).toThrow(
      "model must be a model spec string, a LanguageModel or an AI SDK language model.",
    );
  });

  it("runs root and sub-model through the provider: answer, usage per model, trajectory, replay", async () => {
    const { server, provider } = await localProvider(codeWritingPolicy());
    const trace = traceFile("ai-sdk");
    const events: RlmEvent[] = [];
    const rlm = new RLM({
      model: provider("root"),
      subModel: provider("sub"),
      sandbox: { runtime: "process" },
      trace,
      onEvent: (event) => events.push(event),
    });
    const context = "alpha beta. The code is 17. gamma";
    const result = await rlm.completion(context, "Which codes are there?");
    await rlm.close();

    expect(result).toMatchObject({
      answer: "codes=17 parts=1 files= sub=words=7",
      stopReason: "answer",
      iterations: 2,
      subCalls: 1,
    });
    const root = "ai-sdk:local.chat:root";
    const sub = "ai-sdk:local.chat:sub";
    expect(Object.keys(result.usage).sort()).toEqual([root, sub]);
    expect(result.usage[root]).toMatchObject({ calls: 2 });
    expect(result.usage[sub]).toMatchObject({ calls: 1 });
    for (const totals of Object.values(result.usage)) {
      expect(totals.promptTokens).toBeGreaterThan(0);
      expect(totals.completionTokens).toBeGreaterThan(0);
    }
    expect(server.requests.map((request) => request.model)).toEqual(["root", "sub", "root"]);
    // The models' ids are not in the table of known models (8,192 tokens assumed), nor their
    // provider a vendor with a price list ($0): each said once per model.
    const warnings = events.flatMap((event) => (event.type === "warning" ? [event.message] : [])).sort();
    expect(warnings).toEqual([
      `Could not read the context window of ${root} (AI SDK models do not report their context window, and "root" is not in rlm's table of known models; pass it with fromAiSdk(model, { contextWindow })); assuming 8192 tokens.`,
      `Could not read the context window of ${sub} (AI SDK models do not report their context window, and "sub" is not in rlm's table of known models; pass it with fromAiSdk(model, { contextWindow })); assuming 8192 tokens.`,
      `No price known for ${root}; its cost is counted as $0. Pass prices to the model pool to count it.`,
      `No price known for ${sub}; its cost is counted as $0. Pass prices to the model pool to count it.`,
    ]);

    const [run] = (await readTrajectory(trace)).runs;
    expect(run?.metadata).toMatchObject({ root_model: root, sub_model: sub });
    expect(run?.iterations[0]?.code_blocks[0]?.result.rlm_calls).toEqual([
      expect.objectContaining({ kind: "llm", model: sub, response: "words=7" }),
    ]);
    expect(run?.result).toMatchObject({ stop_reason: "answer", usage: result.usage });
    expect(run?.windows).toEqual(
      expect.arrayContaining([{ type: "window", model: root, context_window: 8_192 }]),
    );

    // The record alone reproduces the run: no provider, no server.
    await server.close();
    const replayed = await replay(trace, { context, sandbox: { runtime: "process" } });
    expect(replayed).toMatchObject({ reproduced: true });
    expect(replayed.result.answer).toBe(result.answer);
  });

  it("lets the code name an AI SDK model by spec or model id, sized by the window it was given", async () => {
    const root = scripted([
      () =>
        code(
          [
            'a = llm_query("by id", model="helper")',
            'b = llm_query("by spec", model="ai-sdk:local.chat:helper")',
            "try:",
            '    c = llm_query("made up", model="ai-sdk:local.chat:other")',
            "except RuntimeError as error:",
            '    c = "refused" if "was refused" in str(error) else str(error)',
            "print(a, b, c)",
          ].join("\n"),
        ),
      (request) => `FINAL(${lastStdout(request)})`,
    ]);
    const echo = (request: Parameters<typeof lastUserMessage>[0]) => ({
      text: `${request.model} read ${lastUserMessage(request)}`,
    });
    const { server, provider } = await localProvider(byModel({ root, sub: echo, helper: echo }));
    const events: RlmEvent[] = [];
    const rlm = new RLM({
      model: fromAiSdk(provider("root"), { contextWindow: 16_384 }),
      subModel: fromAiSdk(provider("sub"), { contextWindow: 16_384 }),
      allowedSubModels: [fromAiSdk(provider("helper"), { contextWindow: 16_384 })],
      sandbox: { runtime: "process" },
      onEvent: (event) => events.push(event),
    });
    const result = await rlm.completion("some text", "Ask the helper.");

    expect(result.answer).toBe("helper read by id helper read by spec refused");
    expect(result.usage["ai-sdk:local.chat:helper"]).toMatchObject({ calls: 2 });
    expect(server.requests.filter((request) => request.model === "other")).toHaveLength(0);
    expect(
      events.filter((event) => event.type === "warning" && event.message.includes("context window")),
    ).toEqual([]);
    // One sub-call takes (16,384 - 4,096) x 3 characters: the sub-model's window as given.
    expect(subCallCharsOf(server.requests[0]!)).toBe(36_000);
  });
});
