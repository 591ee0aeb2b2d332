/**
 * Shared sandbox suite, part 2: the bridge to the host: `llm_query` / `rlm_query` and their batched
 * forms and aliases served by `onQuery`, and host tools with JSON values. See common.case.ts.
 */

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SandboxUnderTest } from "./common.case.js";
import { barrierHandler, upperCaseHandler } from "./common-helpers.case.js";
import type { BatchRequest, QueryRequest, QuerySlot, Sandbox, SandboxTool } from "./types.js";

export function describeQueries(runtime: SandboxUnderTest): void {
  describe("queries and tools", () => {
    let sandbox: Sandbox;
    const seen: QueryRequest[] = [];
    const toolCalls: unknown[] = [];
    const tools: Record<string, SandboxTool> = {
      lookup: {
        description: "Echoes its arguments back with a total.",
        handler: ({ args, kwargs }) => {
          toolCalls.push({ args, kwargs });
          const numbers = args.filter((value): value is number => typeof value === "number");
          return { args, kwargs, total: numbers.reduce((sum, value) => sum + value, 0), nothing: null };
        },
      },
      fails: {
        description: "Always fails.",
        handler: async () => {
          throw new Error("the disk is on fire");
        },
      },
    };
    beforeAll(async () => {
      sandbox = await runtime.create({
        timeoutMs: 30_000,
        tools,
        onQuery: (request, signal) => {
          seen.push(request);
          return upperCaseHandler(request, signal);
        },
      });
    });
    afterAll(async () => {
      await sandbox.close();
    });

    it("llm_query and ask_llm send one prompt with the model and return the text", async () => {
      const result = await sandbox.exec(
        "a = llm_query('hello')\nb = ask_llm('hi', model='small')\nprint(a, b)",
      );
      expect(result.error).toBeUndefined();
      expect(result.stdout).toBe("llm:default:HELLO llm:small:HI\n");
      expect(seen.slice(-2)).toEqual([
        { prompt: "hello", model: undefined, kind: "llm" },
        { prompt: "hi", model: "small", kind: "llm" },
      ]);
    });

    it("rlm_query and rlm_query_batched are sent with kind rlm", async () => {
      const result = await sandbox.exec("print(rlm_query('deep'), rlm_query_batched(['x', 'y'], model='m'))");
      expect(result.stdout).toBe("rlm:default:DEEP ['rlm:m:X', 'rlm:m:Y']\n");
    });

    it("a failed llm_query raises RuntimeError with an [error] message", async () => {
      const result = await sandbox.exec(
        "try:\n    llm_query('please FAIL')\nexcept RuntimeError as e:\n    print(e)",
      );
      expect(result.stdout).toBe("[error] sub-call failed for please FAIL\n");
    });

    it("llm_query_batched keeps input order and turns one failure into an [error] slot", async () => {
      const code = "out = llm_query_batched(['one', 'two FAIL', 'three'])\nfor line in out: print(line)";
      const result = await sandbox.exec(code);
      expect(result.error).toBeUndefined();
      expect(result.stdout).toBe(
        "llm:default:ONE\n[error] sub-call failed for two FAIL\nllm:default:THREE\n",
      );
      const alias = await sandbox.exec("parallel_ask_llm(['p', 'q'])");
      expect(alias.stdout).toBe("['llm:default:P', 'llm:default:Q']\n");
      expect((await sandbox.exec("llm_query_batched([])")).stdout).toBe("[]\n");
      const wrong = await sandbox.exec("llm_query_batched('one prompt')");
      expect(wrong.error).toContain("list of prompts");
    });

    it("calls a host tool with JSON values and returns its JSON result", async () => {
      const code = "r = lookup(1, 2.5, 'x', [True, None], {'k': 'ü'}, mode='fast', depth=3)\nprint(r)";
      const result = await sandbox.exec(code);
      expect(result.error).toBeUndefined();
      expect(toolCalls.at(-1)).toEqual({
        args: [1, 2.5, "x", [true, null], { k: "ü" }],
        kwargs: { mode: "fast", depth: 3 },
      });
      expect(result.stdout).toBe(
        "{'args': [1, 2.5, 'x', [True, None], {'k': 'ü'}], 'kwargs': {'mode': 'fast', 'depth': 3}, 'total': 3.5, 'nothing': None}\n",
      );
      expect((await sandbox.exec("print(lookup.__doc__)")).stdout).toBe(
        "Echoes its arguments back with a total.\n",
      );
    });

    it("reports a failing tool, refuses non-JSON arguments and restores an overwritten tool", async () => {
      const failed = await sandbox.exec("fails()");
      expect(failed.error).toContain("the disk is on fire");
      const bad = await sandbox.exec("lookup(object())");
      expect(bad.error).toContain("JSON");
      await sandbox.exec("lookup = None");
      expect((await sandbox.exec("print(callable(lookup))")).stdout).toBe("True\n");
    });

    it("shows a batch whole to onBatch first: it may refuse it, or answer a dry run's estimate", async () => {
      const batches: BatchRequest[] = [];
      const sent: string[] = [];
      const settled: QuerySlot[][] = [];
      const checked = await runtime.create({
        onQuery: async (request, signal) => {
          sent.push(request.prompt);
          return upperCaseHandler(request, signal);
        },
        onBatch: async (request) => {
          batches.push(request);
          if (request.prompts.length > 2) throw new Error(`too many: ${request.prompts.length} prompts`);
          return {
            estimate: { prompts: request.prompts.length, cost_usd: 0.5 },
            settled: (r) => settled.push(r),
          };
        },
      });
      try {
        const refused = await checked.exec(
          "try:\n    llm_query_batched(['a', 'b', 'c'])\nexcept RuntimeError as e:\n    print('refused:', e)",
        );
        expect(refused.stdout).toBe("refused: too many: 3 prompts\n");
        expect(sent).toEqual([]);
        const dry = await checked.exec(
          "e = llm_query_batched(['a', 'b'], dry_run=True)\nprint(e['prompts'], e['cost_usd'])",
        );
        expect(dry.stdout).toBe("2 0.5\n");
        expect(sent).toEqual([]);
        const fits = await checked.exec(
          "print(rlm_query_batched(['x', 'y'], model='m'))\nprint(llm_query('one'))",
        );
        expect(fits.stdout).toBe("['rlm:m:X', 'rlm:m:Y']\nllm:default:ONE\n");
        expect(sent).toEqual(["x", "y", "one"]);
        // One look per batched call, whole; a single llm_query is no batch.
        expect(batches).toEqual([
          { prompts: ["a", "b", "c"], model: undefined, kind: "llm", dryRun: false },
          { prompts: ["a", "b"], model: undefined, kind: "llm", dryRun: true },
          { prompts: ["x", "y"], model: "m", kind: "rlm", dryRun: false },
        ]);
        expect(settled).toEqual([
          [
            { ok: true, text: "rlm:m:X" },
            { ok: true, text: "rlm:m:Y" },
          ],
        ]);
      } finally {
        await checked.close();
      }
    });

    it("binds plain values as tools, and raises a tool's error as the builtin exception it names", async () => {
      const keyError = Object.assign(new Error("no such key: x"), { name: "KeyError" });
      const odd = Object.assign(new Error("odd"), { name: "NotAPythonError" });
      const valued = await runtime.create({
        tools: {
          config: { depth: 2, names: ["a", "b"] },
          LABEL: "v1",
          twice: (n: number) => n * 2,
          strict: { description: "", handler: () => Promise.reject(keyError) },
          weird: { description: "", handler: () => Promise.reject(odd) },
        },
      });
      try {
        // Overwritten, then restored after the block, as every tool is.
        expect((await valued.exec("config = None")).error).toBeUndefined();
        const code = [
          "print(config['depth'], config['names'], LABEL, twice(21))",
          "try:",
          "    strict()",
          "except KeyError as e:",
          "    print('KeyError', e)",
          "try:",
          "    weird()",
          "except RuntimeError as e:",
          "    print('RuntimeError', e)",
        ].join("\n");
        const result = await valued.exec(code);
        expect(result.error).toBeUndefined();
        expect(result.stdout).toBe(
          "2 ['a', 'b'] v1 42\nKeyError 'no such key: x'\nRuntimeError [error] tool weird failed: odd\n",
        );
      } finally {
        await valued.close();
      }
    });

    it("runs a batch concurrently on the host", async () => {
      const { handler, maxInFlight } = barrierHandler(6);
      const concurrent = await runtime.create({ onQuery: handler });
      try {
        const result = await concurrent.exec(
          "r = llm_query_batched([str(i) for i in range(6)])\nprint(r[0], r[5])",
        );
        expect(result.stdout).toBe("done 0 done 5\n");
        expect(maxInFlight()).toBe(6);
      } finally {
        await concurrent.close();
      }
    });

    // Models often map llm_query over a ThreadPoolExecutor. Where Python has threads, every call must get
    // its own reply; where it has none (WebAssembly), the code must be told so plainly, never hang.
    it("answers llm_query from a thread pool, each call its own reply, or says threads cannot start", async () => {
      const code = [
        "from concurrent.futures import ThreadPoolExecutor",
        "with ThreadPoolExecutor(8) as pool:",
        "    replies = list(pool.map(llm_query, [f'p{i}' for i in range(24)]))",
        "print(replies == [f'llm:default:P{i}' for i in range(24)])",
      ].join("\n");
      const result = await sandbox.exec(code);
      if (result.error?.includes("can't start new thread")) {
        expect((await sandbox.exec("print('alive')")).stdout).toBe("alive\n");
        return;
      }
      expect(result.error).toBeUndefined();
      expect(result.stdout).toBe("True\n");
    });

    it("tells the code when no model is connected", async () => {
      const lonely = await runtime.create({});
      try {
        const result = await lonely.exec("llm_query('anyone?')");
        expect(result.error).toContain("[error]");
        expect(result.error).toContain("onQuery");
      } finally {
        await lonely.close();
      }
    });
  });
}
