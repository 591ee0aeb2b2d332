/**
 * What the root model is told about each kind of context (a list of parts, named parts), from the
 * sandbox's real load report; and a run over Ollama's native protocol with a reasoning model whose
 * thinking arrives apart from the answer (kept in the trajectory, never parsed as code).
 */

import { afterEach, describe, expect, it } from "vitest";
import { startFakeOllama } from "../../test/fakes/index.js";
import type { FakeServer } from "../../test/fakes/types.js";
import { code, lastStdout, scripted } from "../../test/policies/conversation.js";
import { testModels, traceFile } from "../../test/policies/harness.js";
import { readTrajectory } from "../trace/index.js";
import { RLM } from "./index.js";

let ollama: FakeServer | undefined;
afterEach(async () => {
  await ollama?.close();
  ollama = undefined;
});

const answerWithLength = scripted([
  () => code("print(len(context))"),
  (request) => `FINAL(${lastStdout(request)})`,
]);

describe("context metadata in the first message", () => {
  it("a list: number of parts, the first 100 lengths, a preview of the first part", async () => {
    const models = await testModels({ root: answerWithLength });
    const parts = Array.from({ length: 150 }, (_, index) => `record ${index} `.repeat((index % 7) + 1));
    const rlm = new RLM({ model: models.spec("root"), sandbox: { runtime: "process" } });
    const result = await rlm.completion(parts, "How many records?");
    expect(result.answer).toBe("150");
    const first = models.server.requests[0]?.messages[1]?.content ?? "";
    expect(first).toContain("type: list of 150 str");
    expect(first).toContain(`total length: ${parts.join("").length.toLocaleString("en-US")} characters`);
    expect(first).toContain(
      `part lengths: [${parts
        .slice(0, 100)
        .map((part) => part.length)
        .join(", ")}, ... (50 more)]`,
    );
    expect(first).toContain('starts with: "record 0 "');
    expect(first).not.toContain("record 149");
  });

  it("a dict: the part names", async () => {
    const models = await testModels({ root: answerWithLength });
    const files = { "src/a.ts": "export const a = 1;\n", "README.md": "# Title\n" };
    const rlm = new RLM({ model: models.spec("root"), sandbox: { runtime: "process" } });
    const result = await rlm.completion(files, "How many files?");
    expect(result.answer).toBe("2");
    const first = models.server.requests[0]?.messages[1]?.content ?? "";
    expect(first).toContain("type: dict of 2 str");
    expect(first).toContain('keys: ["src/a.ts", "README.md"]');
  });
});

describe("contexts of JSON values (the official rlm's tests)", () => {
  it("accepts {number: 42} and [1, 2, 'four'] as they are, and says the parts are JSON values", async () => {
    const root = scripted([() => code("print(repr(context))"), (request) => `FINAL(${lastStdout(request)})`]);
    const models = await testModels({ root });
    const rlm = new RLM({ model: models.spec("root"), sandbox: { runtime: "process" } });
    expect((await rlm.completion({ number: 42 }, "What number?")).answer).toBe("{'number': 42}");
    const first = models.server.requests[0]?.messages[1]?.content ?? "";
    expect(first).toContain("type: dict of 1 values (JSON");
    expect((await rlm.completion([1, 2, "four"], "What is there?")).answer).toBe("[1, 2, 'four']");
    await rlm.close();
  });
});

describe("a reasoning model over Ollama's native API", () => {
  it("keeps thinking apart: recorded as reasoning, never run", async () => {
    const root = scripted([
      () => ({
        reasoning: "I could run ```repl\nprint('from thinking')\n``` but let me probe.",
        text: code("print(len(context))"),
      }),
      (request) => ({ reasoning: "The length is printed.", text: `FINAL(${lastStdout(request)})` }),
    ]);
    ollama = await startFakeOllama(root);
    const trace = traceFile("ollama");
    const rlm = new RLM({
      model: "ollama:qwen3:4b",
      sandbox: { runtime: "process" },
      pool: { modelConfig: { env: { OLLAMA_HOST: ollama.url } } },
      rootOptions: { think: true },
      trace,
    });
    const result = await rlm.completion("x".repeat(1234), "How long is it?");
    expect(result).toMatchObject({ answer: "1234", stopReason: "answer" });
    expect(result.usage["ollama:qwen3:4b"]?.calls).toBe(2);
    const { runs } = await readTrajectory(trace);
    const first = runs[0]?.iterations[0];
    expect(first?.reasoning).toContain("print('from thinking')");
    expect(first?.code_blocks.map((block) => block.result.stdout.trim())).toEqual(["1234"]);
  });
});
