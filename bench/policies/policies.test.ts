/**
 * The simulated policies, end to end over real (native) Python: the root policy's code runs in a
 * minimal REPL (`__fixtures__/mini_repl.py`), its sub-calls are answered by the reader policy, and
 * the observation fed back is the engine's own message format. The answer must score 1.
 */

import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseReply } from "../../src/rlm/parse-reply.js";
import { firstMessage, systemPrompt } from "../../src/rlm/prompts.js";
import type { ContextInput } from "../../src/sandbox/types.js";
import { score } from "../scoring/index.js";
import { type QuestionAsk, TASKS } from "../tasks/index.js";
import { QuestionBook, readerAnswer, readRootView, simulatedRootReply } from "./index.js";

const REPL = fileURLToPath(new URL("./__fixtures__/mini_repl.py", import.meta.url));

/** What the questions ask, posed before they are solved (the runner does the same). */
const book = new QuestionBook();

interface Done {
  stdout: string;
  error: string | null;
  answer: string | null;
}

type Answerer = (prompts: string[], kind: string) => Promise<string[]>;

function startRepl(
  context: ContextInput,
  answer: Answerer,
): { exec(code: string): Promise<Done>; close(): void; subCalls: () => number } {
  const directory = mkdtempSync(join(tmpdir(), "bench-policy-"));
  const file = join(directory, typeof context === "string" ? "context.txt" : "context.json");
  writeFileSync(file, typeof context === "string" ? context : JSON.stringify(context));
  const child: ChildProcessWithoutNullStreams = spawn("python3", [REPL, file]);
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  let subCalls = 0;
  return {
    subCalls: () => subCalls,
    close: () => child.kill(),
    exec: async (code) => {
      child.stdin.write(`${JSON.stringify({ code })}\n`);
      for (;;) {
        const next = await lines.next();
        if (next.done) throw new Error("the REPL ended");
        const message = JSON.parse(next.value) as { type: string; kind?: string; prompts?: string[] } & Done;
        if (message.type === "done") return message;
        subCalls += message.prompts!.length;
        const replies = await answer(message.prompts!, message.kind ?? "llm");
        child.stdin.write(`${JSON.stringify({ replies })}\n`);
      }
    },
  };
}

function describeContext(context: ContextInput) {
  const parts = (typeof context === "string" ? [context] : Object.values(context)).map(String);
  return {
    type: typeof context === "string" ? ("str" as const) : ("dict" as const),
    totalChars: parts.reduce((sum, part) => sum + part.length, 0),
    partLengths: parts.map((part) => part.length),
    keys: typeof context === "string" || Array.isArray(context) ? undefined : Object.keys(context),
    preview: (typeof context === "string" ? context : JSON.stringify(context)).slice(0, 200),
    variable: "context",
  };
}

/** The child's query, as the engine words it for a long prompt. */
function childQuery(prompt: string): string {
  return prompt.length <= 2_000
    ? prompt
    : `Do what the text in \`context\` asks (it starts: ${JSON.stringify(prompt.slice(0, 300))}).`;
}

/**
 * Runs the simulated root against the mini REPL until it submits; returns the answer and sub-calls.
 * With `recursive`, `rlm_query` prompts are solved by a child run of the same simulated root.
 */
async function solve(
  context: ContextInput,
  query: string,
  subCallChars: number,
  recursive = false,
): Promise<{ answer: string; subCalls: number; turns: number }> {
  const answer: Answerer = async (prompts, kind) =>
    kind === "rlm" && recursive
      ? Promise.all(
          prompts.map(async (prompt) => (await solve(prompt, childQuery(prompt), subCallChars)).answer),
        )
      : prompts.map((prompt) => readerAnswer(prompt, book.find(prompt)));
  const repl = startRepl(context, answer);
  const messages = [
    {
      role: "system",
      content: systemPrompt({
        subCallChars,
        recursive,
        tools: {},
        instructions: undefined,
        session: false,
      }),
    },
    { role: "user", content: firstMessage(query, describeContext(context), subCallChars, 10) },
  ];
  try {
    for (let turn = 0; turn < 6; turn++) {
      const view = readRootView(messages);
      const reply = simulatedRootReply(view, book.find(view.prompt));
      messages.push({ role: "assistant", content: reply });
      const parsed = parseReply(reply);
      const outputs: string[] = [];
      for (const block of parsed.codeBlocks) {
        const done = await repl.exec(block.code);
        if (done.answer !== null) return { answer: done.answer, subCalls: repl.subCalls(), turns: turn + 1 };
        outputs.push(`stdout:\n${done.stdout}${done.error ? `\nerror:\n${done.error}` : ""}`);
      }
      if (parsed.final?.kind === "text")
        return { answer: parsed.final.text, subCalls: repl.subCalls(), turns: turn + 1 };
      if (parsed.final?.kind === "variable") {
        const done = await repl.exec(`print(${parsed.final.name})`);
        return { answer: done.stdout.trim(), subCalls: repl.subCalls(), turns: turn + 1 };
      }
      messages.push({ role: "user", content: outputs.join("\n\n") });
    }
    throw new Error("no answer after 6 turns");
  } finally {
    repl.close();
  }
}

describe.each([
  ["niah", 0],
  ["linear", 0],
  ["delegate", 1],
  ["parallel", 8],
  ["oolong", 1],
  ["oolong-pairs", 1],
  ["codebase", 0],
])("simulated policies on %s", (name, minimumSubCalls) => {
  it("write code that answers every question correctly from the context", async () => {
    const instance = await TASKS[name]!.generate({ seed: 21, chars: 120_000, questions: 6 });
    for (const question of instance.questions) {
      book.pose(question);
      const result = await solve(instance.context, question.query, 20_000);
      expect({ id: question.id, score: score(question.expected, result.answer) }).toEqual({
        id: question.id,
        score: 1,
      });
      expect(result.subCalls).toBeGreaterThanOrEqual(minimumSubCalls);
      if (name === "linear" || name === "codebase") expect(result.subCalls).toBe(0);
    }
  });
});

describe("simulated policies in a depth-2 tree", () => {
  it("parallel: the root hands big parts to child RLMs, which split them again", async () => {
    const instance = await TASKS.parallel!.generate({ seed: 4, chars: 150_000 });
    const question = instance.questions[0]!;
    book.pose(question);
    const result = await solve(instance.context, question.query, 20_000, true);
    expect(score(question.expected, result.answer)).toBe(1);
    // About 4 parts at the root (cut at paragraph ends), each read as several pieces by its child.
    expect(result.subCalls).toBeGreaterThanOrEqual(4);
    expect(result.subCalls).toBeLessThanOrEqual(6);
  });
});

describe("the reader (simulated sub-model)", () => {
  it("says NOT FOUND when the text does not hold the answer, and never answers from a visit", () => {
    const query = "In which city did Ilse Varga end up living? Answer with the city name only.";
    book.pose({ query, ask: { kind: "where-one", name: "Ilse Varga" } });
    const prompt = (text: string) =>
      `Read the text below and answer the question. If the text does not contain the answer, reply exactly NOT FOUND.\nQuestion: ${query}\n\nText:\n${text}`;
    const read = (text: string) => readerAnswer(prompt(text), book.find(prompt(text)));
    expect(read("Ilse Varga gave a short talk at a conference in Porto.")).toBe("NOT FOUND");
    expect(read("These days Ilse Varga lives in Galway, in a narrow flat above a bakery.")).toBe("Galway");
  });
});

/** The same question in other words: every word kept, in reverse order, after a new opening. */
function reword(id: string, query: string): string {
  return `Asked again in other words (${id}): ${query.split(" ").reverse().join(" ")}`;
}

describe("the simulated policies and a question's wording", () => {
  it("take the same approach for a reworded question: only the words passed on differ", () => {
    const firstTwoReplies = (context: ContextInput, query: string, ask: QuestionAsk) => {
      const messages = [
        {
          role: "system",
          content: systemPrompt({
            subCallChars: 20_000,
            recursive: false,
            tools: {},
            instructions: undefined,
            session: false,
          }),
        },
        { role: "user", content: firstMessage(query, describeContext(context), 20_000, 10) },
      ];
      const first = simulatedRootReply(readRootView(messages), ask);
      messages.push({ role: "assistant", content: first }, { role: "user", content: "stdout:\n" });
      return [first, simulatedRootReply(readRootView(messages), ask)];
    };
    return Promise.all(
      Object.entries(TASKS).map(async ([name, task]) => {
        const instance = await task.generate({ seed: 8, chars: 60_000, questions: 4 });
        for (const question of instance.questions) {
          const reworded = reword(question.id, question.query);
          // The question is passed on to sub-calls as it is, and chunks leave room for its length.
          const same = (query: string) => (reply: string) =>
            reply.replaceAll(JSON.stringify(query), "QUESTION").replace(/\d+/g, "N");
          const original = firstTwoReplies(instance.context, question.query, question.ask).map(
            same(question.query),
          );
          const other = firstTwoReplies(instance.context, reworded, question.ask).map(same(reworded));
          expect(other, `${name} ${question.id}`).toEqual(original);
          expect(original[1], `${name} ${question.id}`).not.toMatch(/FINAL\((unknown|not found)\)/);
        }
      }),
    );
  });

  it("answer every reworded question correctly, end to end", async () => {
    for (const name of Object.keys(TASKS)) {
      const instance = await TASKS[name]!.generate({ seed: 8, chars: 60_000, questions: 3 });
      for (const question of instance.questions) {
        const reworded = { ...question, query: reword(question.id, question.query) };
        book.pose(reworded);
        const result = await solve(instance.context, reworded.query, 20_000);
        expect({ id: question.id, score: score(question.expected, result.answer) }).toEqual({
          id: question.id,
          score: 1,
        });
      }
    }
  });
});
