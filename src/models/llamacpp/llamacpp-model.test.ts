import { afterAll, describe, expect, it } from "vitest";
import { RlmError } from "../../errors/index.js";
import type { ChatChunk, LanguageModel } from "../types.js";
import {
  haveTinyModels,
  RANDOM_TINY,
  STORIES,
  skipMessage,
  storiesReference,
} from "./__fixtures__/tiny-models.js";
import { createLlamaCppModel, disposeLlamaCppModels } from "./index.js";

if (!haveTinyModels) console.warn(skipMessage);

// Always one thread on these shared 2-core machines (see the models' README).
const stories = (): LanguageModel =>
  createLlamaCppModel({ model: STORIES, threads: 1, contextSize: 256, gpu: false });
const tiny = (): LanguageModel =>
  createLlamaCppModel({ model: RANDOM_TINY, threads: 1, contextSize: 512, gpu: false });

async function collect(chunks: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
  const all: ChatChunk[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return all;
}

afterAll(disposeLlamaCppModels);

describe.skipIf(!haveTinyModels)("llamacpp real inference on the tiny models", () => {
  it("completes stories260K greedily exactly as the reference says", async () => {
    const result = await stories().chat([{ role: "user", content: "Once upon a time" }], {
      temperature: 0,
      maxTokens: 40,
    });
    expect(result.text.startsWith(storiesReference())).toBe(true);
    expect(result.usage.promptTokens).toBeGreaterThan(0);
    expect(result.usage.completionTokens).toBeGreaterThan(0);
    expect(result.usage.completionTokens).toBeLessThanOrEqual(40);
  });

  it("streams the same text it answers, then a finish chunk with usage", async () => {
    const messages = [{ role: "user" as const, content: "Once upon a time" }];
    const plain = await stories().chat(messages, { temperature: 0, maxTokens: 20 });
    const chunks = await collect(stories().stream(messages, { temperature: 0, maxTokens: 20 }));
    const text = chunks.map((chunk) => (chunk.type === "text-delta" ? chunk.text : "")).join("");
    expect(chunks.filter((chunk) => chunk.type === "text-delta").length).toBeGreaterThan(1);
    expect(text).toBe(plain.text);
    expect(chunks.at(-1)).toEqual({ type: "finish", usage: plain.usage, finishReason: "length" });
  });

  it("stops at maxTokens with finish reason length, and at a stop string", async () => {
    const capped = await stories().chat([{ role: "user", content: "Once upon a time" }], {
      temperature: 0,
      maxTokens: 5,
    });
    expect(capped.finishReason).toBe("length");
    expect(capped.usage.completionTokens).toBe(5);
    const stopped = await stories().chat([{ role: "user", content: "Once upon a time" }], {
      temperature: 0,
      maxTokens: 60,
      stop: ["Lily"],
    });
    expect(stopped.finishReason).toBe("stop");
    expect(stopped.text).not.toContain("Lily");
    expect(storiesReference().startsWith(stopped.text)).toBe(true);
  });

  it("never generates past the end of the context, and says it lowered maxTokens", async () => {
    const result = await stories().chat([{ role: "user", content: "Once upon a time" }], {
      temperature: 0,
      maxTokens: 5_000,
    });
    expect(result.usage.promptTokens + result.usage.completionTokens).toBeLessThanOrEqual(256);
    expect(result.warnings?.join(" ")).toMatch(/maxTokens 5000 lowered to \d+/);
  });

  it("answers random-tiny through its ChatML template with JSON that parses and fits the schema", async () => {
    const schema = {
      type: "object",
      properties: {
        verdict: { type: "string", enum: ["yes", "no", "unsure"] },
        confident: { type: "boolean" },
      },
      required: ["verdict", "confident"],
    };
    const result = await tiny().chat(
      [
        { role: "system", content: "Answer in JSON." },
        { role: "user", content: "Is the sky blue?" },
      ],
      { temperature: 0, jsonSchema: schema, maxTokens: 60 },
    );
    const parsed = JSON.parse(result.text) as { verdict: string; confident: boolean };
    expect(["yes", "no", "unsure"]).toContain(parsed.verdict);
    expect(typeof parsed.confident).toBe("boolean");
    expect(result.finishReason).toBe("stop");
  });

  it("forces a ```repl block with a GBNF grammar", async () => {
    const grammar = 'root ::= "```repl\\n" [a-z ]{1,30} "\\n```"';
    const result = await tiny().chat([{ role: "user", content: "Write code." }], {
      temperature: 0,
      grammar,
      maxTokens: 60,
    });
    expect(result.text).toMatch(/^```repl\n[a-z ]{1,30}\n```$/);
  });

  it("reports a grammar that does not compile as invalid-grammar", async () => {
    const error = await tiny()
      .chat([{ role: "user", content: "x" }], { grammar: "root ::= (" })
      .catch((thrown: unknown) => thrown);
    expect((error as RlmError).code).toBe("invalid-grammar");
    expect((error as RlmError).message).toMatch(/failed to parse grammar/i);
  });

  it("cancels a generation on abort and serves the next call on the freed sequence", async () => {
    const controller = new AbortController();
    const reason = new RlmError("aborted", "test stop");
    const model = tiny();
    const running = model.stream([{ role: "user", content: "hello" }], {
      signal: controller.signal,
      maxTokens: 400,
    });
    const seen: ChatChunk[] = [];
    const error = await (async () => {
      for await (const chunk of running) {
        seen.push(chunk);
        if (seen.length === 3) controller.abort(reason);
      }
    })().catch((thrown: unknown) => thrown);
    expect(error).toBe(reason);
    expect(seen.length).toBeGreaterThanOrEqual(3);
    const after = await model.chat([{ role: "user", content: "hello" }], { temperature: 0, maxTokens: 4 });
    expect(after.usage.completionTokens).toBe(4);
  });

  it("stops generating when the consumer breaks out of the stream", async () => {
    const model = tiny();
    let count = 0;
    for await (const chunk of model.stream([{ role: "user", content: "hi" }], { maxTokens: 400 })) {
      if (chunk.type === "text-delta") count++;
      if (count === 2) break;
    }
    const after = await model.chat([{ role: "user", content: "hi" }], { temperature: 0, maxTokens: 3 });
    expect(after.usage.completionTokens).toBe(3);
  });
});
