import { describe, expect, it } from "vitest";
import type { ChatMessage, ChatOptions, ChatResult, LanguageModel } from "../models/types.js";
import { RLM } from "../rlm/index.js";
import { python3Available } from "../sandbox/process/python-available.js";
import {
  DEMO_QUESTION,
  generateIncidentLog,
  NONE,
  readerReply,
  readRootView,
  rootReply,
  SCRIPTED_DEMO_SPEC,
  ScriptedDemoModel,
} from "./index.js";

/**
 * The demo's parts: the generator (what it plants, from the seed), the scripted sub-model (reads
 * only its prompt), the scripted root (each reply decided from what its last code printed), and
 * one run in a real Python sandbox where the answer must come out of the code.
 */

const SYSTEM: ChatMessage = { role: "system", content: "You answer a query about a context..." };

function firstMessage(capacity = "18,000"): ChatMessage {
  return {
    role: "user",
    content: `Query: ${DEMO_QUESTION}\n\nThe context is loaded in the REPL as \`context\`:\n- type: str\n- total length: 300,051 characters\n- starts with: "2025-03-03T08:00:01Z INFO ..."\nOne llm_query prompt can take about ${capacity} characters.\n\nYou have up to 12 turns. Start by looking at the context with code.`,
  };
}

/** The root's reply after `replies` and the observation `printed` (what its last code printed). */
function rootAfter(printed: string, replies: string[] = ["(earlier reply)"], capacity?: string): string {
  const messages: ChatMessage[] = [SYSTEM, firstMessage(capacity)];
  replies.forEach((reply, index) => {
    messages.push({ role: "assistant", content: reply });
    if (index < replies.length - 1) messages.push({ role: "user", content: "(earlier output)" });
  });
  messages.push({
    role: "user",
    content: `[output] ran in 0.01 s\nstdout:\n${printed}\n\nTurn ${replies.length} of 12 done. Continue with code, or submit with FINAL(...) once you are sure.`,
  });
  return rootReply(readRootView(messages));
}

function codeOf(reply: string): string {
  return /```repl\n([\s\S]*?)```/.exec(reply)?.[1] ?? "";
}

describe("generateIncidentLog", () => {
  it("is the same document for the same seed, and another for another seed", () => {
    const one = generateIncidentLog({ size: 50_000, seed: 7 });
    expect(generateIncidentLog({ size: 50_000, seed: 7 })).toEqual(one);
    const other = generateIncidentLog({ size: 50_000, seed: 8 });
    expect(other.text).not.toBe(one.text);
    expect(other.incidents.map((incident) => incident.offset)).not.toEqual(
      one.incidents.map((incident) => incident.offset),
    );
  });

  it("plants three incidents, one in each third, each a line of the log at its offset", () => {
    const log = generateIncidentLog({ size: 300_000, seed: 3 });
    expect(log.text.length).toBeGreaterThanOrEqual(300_000);
    expect(log.text.length).toBeLessThan(300_400);
    expect(log.question).toBe(DEMO_QUESTION);
    expect(log.incidents).toHaveLength(3);
    expect(new Set(log.incidents.map((incident) => incident.id)).size).toBe(3);
    log.incidents.forEach((incident, index) => {
      const line = log.text.slice(incident.offset, log.text.indexOf("\n", incident.offset));
      expect(line).toBe(
        `${incident.time} WARN  pager       incident ${incident.id} opened by ${incident.openedBy}: ${incident.symptom}. Root cause: ${incident.cause}.`,
      );
      expect(incident.offset).toBeGreaterThan((index * log.text.length) / 3);
      expect(incident.offset).toBeLessThan(((index + 1) * log.text.length) / 3);
      // Nowhere else: the answer can only come from reading that line.
      expect(log.text.split(incident.id)).toHaveLength(2);
    });
    expect([...log.incidents].sort((a, b) => a.time.localeCompare(b.time))).toEqual(log.incidents);
  });

  it("keeps at least 20 000 characters and still plants all three", () => {
    const log = generateIncidentLog({ size: 10, seed: 1 });
    expect(log.text.length).toBeGreaterThanOrEqual(20_000);
    expect(log.incidents).toHaveLength(3);
  });
});

describe("the scripted sub-model", () => {
  const log = generateIncidentLog({ size: 60_000, seed: 11 });
  const prompt = (excerpt: string, question = DEMO_QUESTION) =>
    `Read this excerpt of a longer document and answer the question from the excerpt alone.\nQuestion: ${question}\n\nExcerpt:\n${excerpt}`;

  it("reads the incident in its excerpt, and says none where there is none", () => {
    const incident = log.incidents[1]!;
    const excerpt = log.text.slice(incident.offset - 2_000, incident.offset + 2_000);
    expect(readerReply(prompt(excerpt))).toBe(
      `${incident.id} | ${incident.time} | ${incident.symptom} | ${incident.cause}`,
    );
    expect(readerReply(prompt(log.text.slice(0, log.incidents[0]!.offset)))).toBe(NONE);
  });

  it("lists every incident of a longer excerpt, one line each", () => {
    const reply = readerReply(prompt(log.text));
    expect(reply.split("\n").map((line) => line.split(" | ")[0])).toEqual(log.incidents.map((i) => i.id));
  });

  it("says none to a prompt it cannot read for: no excerpt, or another question", () => {
    const line = log.text.slice(log.incidents[0]!.offset, log.incidents[0]!.offset + 300);
    expect(readerReply(`Summarize this: ${line}`)).toBe(NONE);
    expect(readerReply(prompt(line, "How many users signed in?"))).toBe(NONE);
  });
});

describe("the scripted root", () => {
  it("first looks at the context, and never answers on the first turn", () => {
    const reply = rootReply(readRootView([SYSTEM, firstMessage()]));
    expect(codeOf(reply)).toContain('print("length:", len(context))');
    expect(reply).not.toContain("FINAL");
  });

  it("sizes its chunks from the sub-call capacity the first message gives and the length it printed", () => {
    const printed = "type: str\nlength: 300051\nlines: 3578\npreview:\n2025-03-03T08:00:01Z INFO  auth ...";
    const wide = rootAfter(printed);
    expect(wide).toContain("It is a log of 3,578 lines");
    expect(codeOf(wide)).toContain("chunks = chunk_lines(text, 16000)");
    expect(codeOf(rootAfter(printed, undefined, "5,000"))).toContain("chunks = chunk_lines(text, 4000)");
    const small = rootAfter("type: str\nlength: 9000\nlines: 80\npreview:\nDear team,");
    expect(small).toContain("It is plain text. It fits in one sub-call");
  });

  it("asks the sub-model about every chunk at once, with the query it was given", () => {
    const reply = rootAfter("chunks: 19\nsizes: 12749 to 15996 characters");
    expect(reply).toMatch(/^19 chunks\./);
    const code = codeOf(reply);
    expect(code).toContain(`QUESTION = ${JSON.stringify(DEMO_QUESTION)}`);
    expect(code).toContain("answers = llm_query_batched([make_prompt(chunk) for chunk in chunks])");
  });

  it("retries failed sub-calls once, then combines and checks the answers in code", () => {
    const failed = "answers: 19\nfailed: 2\nfound in: 1 chunks\nchunk 4 -> INC-1 | t | s | c";
    const retry = rootAfter(failed);
    expect(codeOf(retry)).toContain("llm_query_batched([make_prompt(chunks[i]) for i in retry])");
    const afterRetry = rootAfter(failed, ["(probe)", "(plan)", "(ask)", retry]);
    expect(codeOf(afterRetry)).toContain("parts[0] in text and parts[3] in text");
    expect(afterRetry).toContain("in one chunk");
  });

  it("says so from the answers when no chunk found anything", () => {
    const reply = rootAfter("answers: 19\nfailed: 0\nfound in: 0 chunks");
    expect(reply).toMatch(/^No chunk mentioned anything/);
    expect(codeOf(reply)).toContain('summary = "No incident was opened in this log."');
  });

  it("submits the variable its code built once it printed the checked result", () => {
    const reply = rootAfter("incidents: 3\nunconfirmed: 1\n3 incidents were opened:\n1. ...");
    expect(reply).toContain("3 incidents, each found by a sub-model and confirmed in the document by code");
    expect(reply).toContain("dropped 1 entries");
    expect(reply.trim().endsWith("FINAL_VAR(summary)")).toBe(true);
    expect(codeOf(reply)).toBe("");
  });

  it("decides from what was printed, not from the turn number", () => {
    const replies = ["(a)", "(b)", "(c)"];
    expect(codeOf(rootAfter("type: str\nlength: 300051", replies))).toContain("chunk_lines");
    expect(codeOf(rootAfter("chunks: 3", replies))).toContain("llm_query_batched");
    expect(rootAfter("incidents: 0\nunconfirmed: 0", replies)).toContain("FINAL_VAR(summary)");
  });

  it("stops with what it has after an error or a limit", () => {
    const messages: ChatMessage[] = [
      SYSTEM,
      firstMessage(),
      { role: "assistant", content: "(probe)" },
      {
        role: "user",
        content: "[output] raised an error in 0.01 s\nerror:\nNameError: name 'x' is not defined",
      },
    ];
    expect(rootReply(readRootView(messages))).toContain("FINAL(The demo could not finish: its code failed");
    const stop = {
      role: "user" as const,
      content: "Stop: the run reached max-iterations, so no more code will run.",
    };
    expect(
      rootReply(readRootView([SYSTEM, firstMessage(), { role: "assistant", content: "x" }, stop])),
    ).toContain("FINAL(The run stopped before the log was read");
    expect(
      rootReply(
        readRootView([SYSTEM, firstMessage(), { role: "assistant", content: "summary = heading" }, stop]),
      ),
    ).toBe("FINAL_VAR(summary)");
  });
});

describe("ScriptedDemoModel", () => {
  it("plays the root when the conversation has a system prompt, else the sub-model", async () => {
    const model = new ScriptedDemoModel({ latency: 0 });
    const root = await model.chat([SYSTEM, firstMessage()]);
    expect(root.text).toContain("```repl");
    const sub = await model.chat([{ role: "user", content: "What is this?" }]);
    expect(sub.text).toBe(NONE);
    expect(sub.usage).toEqual({ promptTokens: 4, completionTokens: 1 });
    expect(root.usage.completionTokens).toBe(Math.ceil(root.text.length / 4));
    expect((await model.info()).spec).toBe(SCRIPTED_DEMO_SPEC);
  });

  it("takes a little time per call, and stops when the call is cancelled", async () => {
    const model = new ScriptedDemoModel();
    const started = performance.now();
    await model.chat([{ role: "user", content: "hello" }]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    const aborter = new AbortController();
    const call = model.chat([SYSTEM, firstMessage()], { signal: aborter.signal });
    aborter.abort(new Error("stop"));
    await expect(call).rejects.toThrow("stop");
  });
});

/** The scripted model as root, with `sub` as the sub-model; records what the root was shown. */
function watchedRoot(): { model: LanguageModel; seen: string[] } {
  const inner = new ScriptedDemoModel({ latency: 0 });
  const seen: string[] = [];
  return {
    seen,
    model: {
      spec: "scripted:demo-root",
      info: () => inner.info(),
      stream: (messages, options) => inner.stream(messages, options),
      chat(messages: ChatMessage[], options?: ChatOptions): Promise<ChatResult> {
        seen.push(messages.at(-1)?.content ?? "");
        return inner.chat(messages, options);
      },
    },
  };
}

describe.skipIf(!python3Available())("a demo run in real Python (process sandbox)", () => {
  it("answers from the document through its code: the root is never shown the facts before the sub-calls", async () => {
    const log = generateIncidentLog({ size: 120_000, seed: 5 });
    const { model, seen } = watchedRoot();
    const rlm = new RLM({
      model,
      subModel: new ScriptedDemoModel({ latency: 0 }),
      sandbox: { runtime: "process" },
    });
    const result = await rlm.completion(log.text, log.question);
    await rlm.close();
    expect(result.stopReason).toBe("answer");
    expect(result.subCalls).toBeGreaterThan(1);
    for (const incident of log.incidents) {
      expect(result.answer).toContain(`${incident.id} at ${incident.time}: ${incident.symptom}`);
      expect(result.answer).toContain(`root cause: ${incident.cause}`);
      // The first three messages (the query, the probe's output, the plan's output) hold no fact.
      expect(seen.slice(0, 3).join("\n")).not.toContain(incident.id);
    }
  }, 60_000);

  it("drops what a sub-model claims that the document does not say", async () => {
    const log = generateIncidentLog({ size: 40_000, seed: 6 });
    const honest = new ScriptedDemoModel({ latency: 0 });
    const lying: LanguageModel = {
      spec: "scripted:liar",
      info: () => honest.info(),
      stream: (messages, options) => honest.stream(messages, options),
      async chat(messages, options) {
        const reply = await honest.chat(messages, options);
        return {
          ...reply,
          text: `${reply.text === NONE ? "" : `${reply.text}\n`}INC-0001 | t | made up | a ghost`,
        };
      },
    };
    const rlm = new RLM({ model: honest, subModel: lying, sandbox: { runtime: "process" } });
    const result = await rlm.completion(log.text, log.question);
    await rlm.close();
    expect(result.answer).toMatch(/^3 incidents were opened:/);
    expect(result.answer).not.toContain("INC-0001");
  }, 60_000);
});
