/**
 * The answer protocol against the kinds of output real models produce, end to end: each case is a
 * scripted root model on a fake OpenAI-compatible server, its code runs in the real `process`
 * sandbox, and the test checks what was run, what the model was told and what was accepted.
 */

import { describe, expect, it } from "vitest";
import type { FakeReply, FakeRequest } from "../../test/fakes/types.js";
import { code, lastStdout, lastUserMessage, scripted } from "../../test/policies/conversation.js";
import { testModels, traceFile } from "../../test/policies/harness.js";
import { readTrajectory } from "../trace/index.js";
import { RLM } from "./index.js";
import type { RLMOptions } from "./types.js";

const CONTEXT = "alpha beta gamma delta ".repeat(100);

async function run(
  turns: ((request: FakeRequest) => FakeReply | string)[],
  options: Partial<RLMOptions> = {},
) {
  const models = await testModels({ root: scripted(turns) });
  const trace = traceFile("protocol");
  const rlm = new RLM({ model: models.spec("root"), sandbox: { runtime: "process" }, trace, ...options });
  const result = await rlm.completion(CONTEXT, "What is in the context?");
  const { runs } = await readTrajectory(trace);
  const iterations = runs[0]?.iterations ?? [];
  return { result, iterations, requests: models.server.requests };
}

const PROBE = () => code("print(len(context))");

describe("answer protocol, end to end", () => {
  it("runs ```python, ```py and an unterminated ```repl block in order, then reads FINAL with nested parens and quotes", async () => {
    const { result, iterations } = await run([
      () =>
        `Several blocks:\n\`\`\`python\nx = len(context)\n\`\`\`\n\`\`\`py\ny = x * 2\n\`\`\`\n\`\`\`repl\nprint(x, y)`,
      (request) => `FINAL(The sizes are (x, y) = (${lastStdout(request).replace(" ", ", ")}), "exact")`,
    ]);
    expect(iterations[0]?.code_blocks.map((block) => block.code.trim())).toEqual([
      "x = len(context)",
      "y = x * 2",
      "print(x, y)",
    ]);
    expect(result.answer).toBe(`The sizes are (x, y) = (${CONTEXT.length}, ${CONTEXT.length * 2}), "exact"`);
    expect(result.stopReason).toBe("answer");
  });

  it("ignores code and answers inside <think> sections", async () => {
    const { result, iterations } = await run([
      () =>
        `<think>I could answer FINAL(wrong) now\n${code("print('thinking')")}</think>\n${code("print('acting')")}`,
      (request) => `FINAL(${lastStdout(request)})`,
    ]);
    expect(iterations[0]?.code_blocks).toHaveLength(1);
    expect(iterations[0]?.code_blocks[0]?.result.stdout.trim()).toBe("acting");
    expect(iterations[0]?.reasoning).toContain("FINAL(wrong)");
    expect(result.answer).toBe("acting");
  });

  it("reads FINAL_VAR(name) outside code from the REPL, after the code in the same reply ran", async () => {
    const { result } = await run([
      PROBE,
      () => `${code("first = context.split()[:3]\nresult = ' '.join(first)")}\nFINAL_VAR(result)`,
    ]);
    expect(result.answer).toBe("alpha beta gamma");
    expect(result.iterations).toBe(2);
  });

  it("tells the model when FINAL_VAR names no variable, and goes on", async () => {
    const { result, requests } = await run([
      PROBE,
      () => "FINAL_VAR(missing_name)",
      () => "FINAL(recovered)",
    ]);
    expect(lastUserMessage(requests[2] as FakeRequest)).toContain("no variable named `missing_name`");
    expect(result.answer).toBe("recovered");
    expect(result.iterations).toBe(3);
  });

  it("accepts FINAL called inside code", async () => {
    const { result, iterations } = await run([
      () => code('n = len(context.split())\nFINAL(f"{n} words (counted)")'),
    ]);
    expect(result).toMatchObject({ answer: "400 words (counted)", stopReason: "answer", iterations: 1 });
    expect(iterations[0]?.final_answer).toBe("400 words (counted)");
  });

  it("does not accept FINAL in code on the first turn when the code never touched the context", async () => {
    const { result, requests } = await run([() => code('FINAL("Paris")'), PROBE, () => "FINAL(alpha etc.)"]);
    expect(lastUserMessage(requests[1] as FakeRequest)).toContain(
      "not accepted: you have not looked at the context",
    );
    expect(result).toMatchObject({ answer: "alpha etc.", iterations: 3 });
  });

  it("does not accept an empty FINAL()", async () => {
    const { result, requests } = await run([PROBE, () => "FINAL()", () => "FINAL(not empty)"]);
    expect(lastUserMessage(requests[2] as FakeRequest)).toContain("Your FINAL() was empty");
    expect(result).toMatchObject({ answer: "not empty", iterations: 3 });
  });

  it("accepts the answer dict", async () => {
    const { result } = await run([
      PROBE,
      () => code('answer["content"] = "from the dict: " + context[:5]\nanswer["ready"] = True'),
    ]);
    expect(result.answer).toBe("from the dict: alpha");
  });

  it("does not accept a prose FINAL on the first turn, nudges, then accepts it after the model looked", async () => {
    const { result, requests } = await run([
      () => "It is obviously about Greek letters.\nFINAL(Greek letters)",
      PROBE,
      () => "FINAL(Greek letters, 2300 characters)",
    ]);
    expect(lastUserMessage(requests[1] as FakeRequest)).toContain(
      "not accepted: you have not looked at the context",
    );
    expect(result).toMatchObject({
      answer: "Greek letters, 2300 characters",
      stopReason: "answer",
      iterations: 3,
    });
  });

  it("nudges a reply with neither code nor answer, and stops at maxErrors with one last call", async () => {
    const { result, requests, iterations } = await run(
      [
        (request) =>
          lastUserMessage(request).startsWith("Stop:") || lastUserMessage(request).includes("Stop: too many")
            ? "My best guess: it lists Greek letters."
            : "Let me think about this problem carefully.",
      ],
      { limits: { maxErrors: 3 } },
    );
    expect(lastUserMessage(requests[1] as FakeRequest)).toContain("no ```repl code block and no FINAL");
    expect(result.stopReason).toBe("max-errors");
    expect(result.iterations).toBe(3);
    expect(requests).toHaveLength(4);
    expect(lastUserMessage(requests[3] as FakeRequest)).toContain("too many turns in a row failed");
    expect(result.answer).toBe("My best guess: it lists Greek letters.");
    expect(iterations.at(-1)?.stop_reason).toBe("max-errors");
  });

  it("counts turns whose code raised toward maxErrors and shows the traceback", async () => {
    const { result, requests } = await run([() => code("print(undefined_name)")], {
      limits: { maxErrors: 2 },
    });
    expect(lastUserMessage(requests[1] as FakeRequest)).toContain("NameError");
    expect(result.stopReason).toBe("max-errors");
    expect(result.iterations).toBe(2);
  });
});
