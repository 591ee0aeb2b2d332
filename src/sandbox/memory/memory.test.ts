/**
 * The in-memory runtime: its fake Python runs a small subset of the driver's contract behind the
 * real sandbox core (answers, host calls, tools, errors, stops), with nothing to boot.
 */
import { describe, expect, it } from "vitest";
import { RlmError } from "../../errors/index.js";
import { createSandbox } from "../index.js";

describe("memory runtime", () => {
  it("loads contexts, keeps variables, echoes the last expression and captures print", async () => {
    const sandbox = await createSandbox({ runtime: "memory" });
    try {
      expect(sandbox.runtime).toBe("memory");
      const info = await sandbox.load(["ab", "cdé"]);
      expect(info).toMatchObject({ type: "list", totalChars: 5, partLengths: [2, 3], variable: "context" });
      const first = await sandbox.exec("n = len(context)\nprint('parts', n, context[1])\nn + 1");
      expect(first).toMatchObject({ stdout: "parts 2 cdé\n3\n", error: undefined, restarted: false });
      expect(first.variables).toEqual([{ name: "n", type: "int", size: 1 }]);
      expect(await sandbox.getVar("n")).toBe("2");
      expect(await sandbox.getVar("missing")).toBeUndefined();
      const cancelled = new AbortController();
      cancelled.abort();
      const refused = await sandbox
        .load("late", { signal: cancelled.signal })
        .catch((error: unknown) => error);
      expect(refused).toMatchObject({ code: "sandbox-aborted" });
      expect((await sandbox.exec("context[0]")).stdout).toBe("'ab'\n");
    } finally {
      await sandbox.close();
    }
  });

  it("loads a list or dict of JSON values as they are", async () => {
    const sandbox = await createSandbox({ runtime: "memory" });
    try {
      expect(await sandbox.load({ number: 42 })).toMatchObject({
        type: "dict",
        json: true,
        keys: ["number"],
      });
      expect((await sandbox.exec("context['number'] + 1")).stdout).toBe("43\n");
      expect(await sandbox.load([1, 2, "four"])).toMatchObject({
        type: "list",
        json: true,
        partLengths: [1, 1, 4],
      });
    } finally {
      await sandbox.close();
    }
  });

  it("submits FINAL, FINAL_VAR and the answer dict", async () => {
    const sandbox = await createSandbox({ runtime: "memory" });
    try {
      expect((await sandbox.exec("FINAL('done (really)')")).answer).toBe("done (really)");
      expect((await sandbox.exec("result = 'from a variable'\nFINAL_VAR('result')")).answer).toBe(
        "from a variable",
      );
      expect((await sandbox.exec("FINAL_VAR('nope')")).error).toContain("NameError");
      expect((await sandbox.exec("answer['content'] = 'dict'\nanswer['ready'] = True")).answer).toBe("dict");
      expect((await sandbox.exec("print(1)")).answer).toBeUndefined();
    } finally {
      await sandbox.close();
    }
  });

  it("keeps a `__proto__` key as an item of the dict, never as a host object's prototype", async () => {
    const sandbox = await createSandbox({ runtime: "memory" });
    try {
      const result = await sandbox.exec("answer['__proto__'] = 'x'\nprint(len(answer), answer['__proto__'])");
      expect(result).toMatchObject({ stdout: "3 x\n", error: undefined });
      const literal = await sandbox.exec("d = {'__proto__': 'y'}\nprint(len(d), d['__proto__'])");
      expect(literal).toMatchObject({ stdout: "1 y\n", error: undefined });
      expect((await sandbox.exec("d['constructor']")).error).toContain("KeyError");
      expect(Object.getPrototypeOf({})).toBe(Object.prototype);
    } finally {
      await sandbox.close();
    }
  });

  it("sends llm_query, batches and tools to the host, with errors as Python sees them", async () => {
    const sandbox = await createSandbox({
      runtime: "memory",
      onQuery: async ({ prompt, kind, model }) => {
        if (prompt === "bad") throw new Error("no luck");
        return `${kind}:${model ?? "default"}:${prompt.toUpperCase()}`;
      },
      tools: { add: { description: "adds", handler: ({ args }) => Number(args[0]) + Number(args[1]) } },
    });
    try {
      const result = await sandbox.exec(
        "a = llm_query('hi', model='m')\nb = parallel_ask_llm(['x', 'bad'])\nprint(a, b, rlm_query('deep'), add(2, 3))",
      );
      expect(result.stdout).toBe("llm:m:HI ['llm:default:X', '[error] no luck'] rlm:default:DEEP 5\n");
      const failed = await sandbox.exec("llm_query('bad')");
      expect(failed.error).toContain("RuntimeError: [error] no luck");
    } finally {
      await sandbox.close();
    }
  });

  it("shows a batch to onBatch first: refused, dry run or sent", async () => {
    const sent: string[] = [];
    const sandbox = await createSandbox({
      runtime: "memory",
      onQuery: async ({ prompt }) => {
        sent.push(prompt);
        return prompt;
      },
      onBatch: async ({ prompts }) => {
        if (prompts.length > 2) throw new Error("too many prompts");
        return { estimate: { prompts: prompts.length } };
      },
    });
    try {
      expect((await sandbox.exec("llm_query_batched(['a', 'b', 'c'])")).error).toContain(
        "RuntimeError: too many prompts",
      );
      const dry = await sandbox.exec("e = llm_query_batched(['a', 'b'], dry_run=True)\nprint(e['prompts'])");
      expect(dry.stdout).toBe("2\n");
      expect(sent).toEqual([]);
      expect((await sandbox.exec("llm_query_batched(['a', 'b'])")).stdout).toBe("['a', 'b']\n");
      expect(sent).toEqual(["a", "b"]);
    } finally {
      await sandbox.close();
    }
  });

  it("binds plain values as tools and raises a tool's error with the type it names", async () => {
    const sandbox = await createSandbox({
      runtime: "memory",
      tools: {
        config: { mode: "fast" },
        bad: {
          description: "",
          handler: () => {
            throw Object.assign(new Error("wrong"), { name: "ValueError" });
          },
        },
      },
    });
    try {
      expect((await sandbox.exec("config['mode']")).stdout).toBe("'fast'\n");
      expect((await sandbox.exec("bad()")).error).toContain("ValueError: wrong");
    } finally {
      await sandbox.close();
    }
  });

  it("reports an error with the line, and refuses what it cannot run", async () => {
    const sandbox = await createSandbox({ runtime: "memory" });
    try {
      const raised = await sandbox.exec("print('before')\nraise ValueError('boom')");
      expect(raised.stdout).toBe("before\n");
      expect(raised.error).toContain("line 2");
      expect(raised.error).toContain("ValueError: boom");
      expect((await sandbox.exec("for x in y:\n    pass")).error).toContain("SyntaxError");
    } finally {
      await sandbox.close();
    }
  });

  it("stops a call that waits on the host when the exec's signal aborts, variables kept", async () => {
    const sandbox = await createSandbox({
      runtime: "memory",
      onQuery: (_request, signal) =>
        new Promise((_resolve, reject) =>
          signal.addEventListener("abort", () => reject(new Error("cancelled"))),
        ),
    });
    try {
      await sandbox.exec("kept = 3");
      const controller = new AbortController();
      const running = sandbox.exec("llm_query('never')", { signal: controller.signal });
      setTimeout(() => controller.abort(), 20);
      const result = await running;
      expect(result).toMatchObject({ stopped: "aborted", restarted: false });
      expect(result.error).toContain("KeyboardInterrupt");
      expect((await sandbox.exec("kept")).stdout).toBe("3\n");
    } finally {
      await sandbox.close();
    }
    await expect(sandbox.exec("1")).rejects.toBeInstanceOf(RlmError);
  });
});
