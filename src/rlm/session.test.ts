/**
 * Sessions end to end: one sandbox and one root conversation across queries (`context` is the
 * newest context, `context_0`, `context_1`... the earlier ones, `history` the earlier answers),
 * custom tools callable from Python, and compaction of a conversation that nears the window.
 */

import { describe, expect, it } from "vitest";
import type { FakePolicy } from "../../test/fakes/types.js";
import {
  code,
  lastStdout,
  lastUserMessage,
  scripted,
  systemMessage,
} from "../../test/policies/conversation.js";
import { testModels, traceFile } from "../../test/policies/harness.js";
import { RlmError } from "../errors/index.js";
import { readTrajectory } from "../trace/index.js";
import { RLM } from "./index.js";

/** Answers with what the code printed, on the turn after it ran. */
const printAndAnswer = (source: string): FakePolicy =>
  scripted([() => code(source), (request) => `FINAL(${lastStdout(request)})`]);

describe("sessions", () => {
  it("keeps the REPL across queries: context is the newest, context_N and history hold the earlier ones", async () => {
    const queries: Record<string, FakePolicy> = {
      first: printAndAnswer("kept = 'from query one'\nprint(len(context))"),
      second: printAndAnswer(
        "print(len(context), len(context_0), len(context_1), kept, history[1]['content'], history is history_0)",
      ),
    };
    const models = await testModels({
      root: (request) => {
        const query =
          request.messages.findLast((message) => message.content.includes("Query: "))?.content ?? "";
        return (query.includes("second") ? queries.second : queries.first)?.(request) ?? { text: "" };
      },
    });
    const trace = traceFile("session");
    const session = new RLM({ model: models.spec("root"), sandbox: { runtime: "process" }, trace }).session();
    try {
      const one = await session.completion("a".repeat(100), "first question");
      const two = await session.completion("b".repeat(250), "second question");
      expect(one.answer).toBe("100");
      expect(two.answer).toBe("250 100 250 from query one 100 True");
      expect(session.history).toEqual([
        { query: "first question", answer: "100" },
        { query: "second question", answer: two.answer },
      ]);
      // One conversation: the second query's requests still hold the first query's turns.
      const last = models.server.requests.at(-1);
      expect(last?.messages.filter((message) => message.content.includes("Query: "))).toHaveLength(2);
      expect(systemMessage(last ?? models.server.requests[0]!)).toContain("`context_0`, `context_1`");
      // One trajectory file, one run per query.
      const { runs } = await readTrajectory(trace);
      expect(runs.map((run) => run.metadata.query)).toEqual(["first question", "second question"]);
      expect(runs.map((run) => run.result?.answer)).toEqual(["100", two.answer]);
    } finally {
      await session.close();
    }
  });

  it("gets contexts and history back after the Python process crashed", async () => {
    const second = scripted([
      () => code("import os\nos._exit(3)"),
      () => code("print(len(context), len(context_0), len(context_1), history[0]['content'])"),
      (request) => `FINAL(${lastStdout(request)})`,
    ]);
    const models = await testModels({
      root: (request) =>
        request.messages.some((message) => message.content.includes("Query: crash"))
          ? second(request)
          : printAndAnswer("print(len(context))")(request),
    });
    const session = new RLM({ model: models.spec("root"), sandbox: { runtime: "process" } }).session();
    try {
      await session.completion("a".repeat(10), "before");
      const result = await session.completion("b".repeat(20), "crash then look");
      expect(result.answer).toBe("20 10 20 before");
      const afterCrash = models.server.requests.at(-2);
      expect(afterCrash?.messages.at(-1)?.content).toContain("restarted");
    } finally {
      await session.close();
    }
  });

  it("refuses a query after close and an empty query, with clear errors", async () => {
    const models = await testModels({ root: printAndAnswer("print(1)") });
    const session = new RLM({ model: models.spec("root"), sandbox: { runtime: "process" } }).session();
    await expect(session.completion("x", "  ")).rejects.toThrow(/query is empty/);
    await session.close();
    await expect(session.completion("x", "q")).rejects.toThrow(/session is closed/);
  });
});

describe("warm sandboxes", () => {
  it("answers from a sandbox started ahead, and keeps one warm between completions", async () => {
    const models = await testModels({ root: printAndAnswer("print(len(context))") });
    const rlm = new RLM({ model: models.spec("root"), sandbox: { runtime: "process" }, keepWarm: true });
    try {
      await rlm.warm();
      const first = await rlm.completion("12345", "How long?");
      const second = await rlm.completion("1234567", "How long?");
      expect([first.answer, second.answer]).toEqual(["5", "7"]);
    } finally {
      await rlm.close();
    }
  });
});

describe("custom tools", () => {
  it("calls a host function from Python with JSON values and describes it in the system prompt", async () => {
    const models = await testModels({
      root: printAndAnswer("print(lookup('capital', country='France')['answer'])"),
    });
    const calls: unknown[] = [];
    const rlm = new RLM({
      model: models.spec("root"),
      sandbox: { runtime: "process" },
      tools: {
        lookup: {
          description: "looks up a fact: lookup(kind, country=...) -> {'answer': str}",
          handler: ({ args, kwargs }) => {
            calls.push({ args, kwargs });
            return { answer: kwargs.country === "France" && args[0] === "capital" ? "Paris" : "unknown" };
          },
        },
      },
    });
    const result = await rlm.completion("irrelevant", "What is the capital of France?");
    const seen = JSON.stringify(models.server.requests.map((request) => request.messages.at(-1)?.content));
    expect(result.answer, `the model saw: ${seen}`).toBe("Paris");
    expect(calls).toEqual([{ args: ["capital"], kwargs: { country: "France" } }]);
    expect(systemMessage(models.server.requests[0]!)).toContain("`lookup(...)`: looks up a fact");
  });
});

describe("tools as the official rlm has them", () => {
  it("takes plain values and functions, and keeps a tool's exception type", async () => {
    const models = await testModels({
      root: printAndAnswer(
        [
          "try:",
          "    check(-1)",
          "except ValueError as e:",
          "    caught = 'ValueError: ' + str(e)",
          "print(settings['mode'], GREETING, add(2, 3), caught)",
        ].join("\n"),
      ),
    });
    const rlm = new RLM({
      model: models.spec("root"),
      sandbox: { runtime: "process" },
      tools: {
        settings: { mode: "strict", retries: 3 },
        GREETING: "hello",
        add: (a: number, b: number) => a + b,
        check: {
          description: "raises ValueError for a negative number",
          handler: ({ args }) => {
            const error = new Error(`${String(args[0])} is negative`);
            error.name = "ValueError";
            throw error;
          },
        },
      },
    });
    try {
      const result = await rlm.completion("irrelevant", "Show the settings.");
      expect(result.answer).toBe("strict hello 5 ValueError: -1 is negative");
      const system = systemMessage(models.server.requests[0]!);
      expect(system).toContain("`settings`: a dict value");
      expect(system).toContain("`GREETING`: a str value");
    } finally {
      await rlm.close();
    }
  });

  it("refuses every reserved or invalid tool name when the RLM is built, all in one error", () => {
    const handler = () => "";
    const build = () =>
      new RLM({
        model: "ollama:qwen3:4b",
        tools: {
          history: "no",
          llm_query: { description: "", handler },
          context_2: 1,
          FINAL: handler,
          "not a name": 1,
          class: 2,
          fine: 3,
        },
      });
    expect(build).toThrow(RlmError);
    expect(build).toThrow(
      'tools has names it cannot use (reserved by the REPL: history, llm_query, context_2, FINAL; not Python names: "not a name", "class").',
    );
  });
});

describe("compaction", () => {
  it("summarizes older turns with one model call when the conversation nears the root window", async () => {
    const summaries: string[] = [];
    let turns = 0;
    const root: FakePolicy = (request) => {
      if (systemMessage(request).startsWith("You condense")) {
        summaries.push(lastUserMessage(request));
        return { text: `summary #${summaries.length}: printed blocks of x, nothing found yet.` };
      }
      turns++;
      if (turns >= 6) return { text: "FINAL(done after compaction)" };
      return { text: code("print('x' * 3000)") };
    };
    const models = await testModels({ root }, 4096);
    const trace = traceFile("compaction");
    const rlm = new RLM({
      model: models.spec("root"),
      sandbox: { runtime: "process" },
      trace,
      maxObservationChars: 2000,
      compactAt: 0.5,
    });
    const result = await rlm.completion("some context", "Keep printing.");
    expect(result.answer).toBe("done after compaction");
    expect(summaries.length).toBeGreaterThan(0);
    expect(summaries[0]).toContain("xxxx");
    // A second compaction summarizes the first summary again, so nothing found before is dropped.
    expect(summaries.length).toBeGreaterThan(1);
    expect(summaries[1]).toContain("summary #1");
    const after = models.server.requests
      .filter((request) => !systemMessage(request).startsWith("You condense"))
      .at(-1);
    expect(after?.messages[1]?.content).toContain("Summary of earlier turns");
    expect(after?.messages[1]?.content.match(/Query: Keep printing\./g)).toHaveLength(1);
    const { runs } = await readTrajectory(trace);
    expect(runs[0]?.iterations.some((iteration) => (iteration.compacted_messages ?? 0) > 0)).toBe(true);
  });
});
