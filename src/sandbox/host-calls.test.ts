import { describe, expect, it } from "vitest";
import { answerHostCall } from "./host-calls.js";

const signal = new AbortController().signal;

describe("answerHostCall", () => {
  it("answers a batch in input order with failures as slots", async () => {
    const reply = await answerHostCall(
      { type: "query", kind: "llm", model: "m", prompts: ["slow", "bad", "fast"] },
      {
        onQuery: async ({ prompt, model }) => {
          if (prompt === "bad") throw new Error("no luck");
          await new Promise((resolve) => setTimeout(resolve, prompt === "slow" ? 30 : 1));
          return `${model}:${prompt}`;
        },
      },
      signal,
    );
    expect(reply).toEqual({
      results: [
        { ok: true, text: "m:slow" },
        { ok: false, error: "no luck" },
        { ok: true, text: "m:fast" },
      ],
    });
  });

  it("lets onBatch refuse a batch before any prompt is sent, and answers a dry run with the estimate", async () => {
    const sent: string[] = [];
    const handlers = {
      onQuery: async ({ prompt }: { prompt: string }) => {
        sent.push(prompt);
        return prompt;
      },
      onBatch: async ({ prompts }: { prompts: string[] }) => {
        if (prompts.length > 1) throw new Error("no room");
        return { estimate: { prompts: prompts.length } };
      },
    };
    const batch = { type: "query", kind: "llm", model: null, batch: true };
    expect(await answerHostCall({ ...batch, prompts: ["a", "b"] }, handlers, signal)).toEqual({
      refused: "no room",
    });
    expect(await answerHostCall({ ...batch, prompts: ["a"], dryRun: true }, handlers, signal)).toEqual({
      estimate: { prompts: 1 },
    });
    expect(sent).toEqual([]);
    expect(await answerHostCall({ ...batch, prompts: ["a"] }, handlers, signal)).toEqual({
      results: [{ ok: true, text: "a" }],
    });
    // Without a preflight a dry run still answers, with what the sandbox can count.
    expect(
      await answerHostCall(
        { ...batch, prompts: ["ab", "c"], dryRun: true },
        { onQuery: handlers.onQuery },
        signal,
      ),
    ).toEqual({ estimate: { prompts: 2, prompt_chars: 3 } });
  });

  it("says what is wrong with a malformed request or an unknown tool, never throws", async () => {
    expect(await answerHostCall({ type: "query", prompts: "x" }, {}, signal)).toMatchObject({ ok: false });
    const unknown = await answerHostCall({ type: "tool", name: "nope", args: [], kwargs: {} }, {}, signal);
    expect(unknown).toEqual({ ok: false, error: "no tool named nope" });
  });

  it("names a failed tool's error type when it is a Python builtin exception's name", async () => {
    const fail = (name: string) => ({
      description: "",
      handler: () => {
        throw Object.assign(new Error("bad"), { name });
      },
    });
    const tools = { value: fail("ValueError"), plain: fail("Error"), odd: fail("weird name") };
    const call = (name: string) =>
      answerHostCall({ type: "tool", name, args: [], kwargs: {} }, { tools }, signal);
    expect(await call("value")).toEqual({ ok: false, error: "bad", errorType: "ValueError" });
    expect(await call("plain")).toEqual({ ok: false, error: "bad" });
    expect(await call("odd")).toEqual({ ok: false, error: "bad" });
  });

  it("returns null for a tool that returns nothing", async () => {
    const tools = { quiet: { description: "", handler: () => undefined } };
    const reply = await answerHostCall(
      { type: "tool", name: "quiet", args: [], kwargs: {} },
      { tools },
      signal,
    );
    expect(reply).toEqual({ ok: true, value: null });
  });
});
