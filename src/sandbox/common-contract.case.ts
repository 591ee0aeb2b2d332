/**
 * Shared sandbox suite, part 1: loading contexts, running code with persistent state, captured
 * output, tracebacks, the REPL echo, reserved names, answers and variables. See common.case.ts.
 */

import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RlmError } from "../errors/index.js";
import type { SandboxUnderTest } from "./common.case.js";
import { featureIt } from "./common-helpers.case.js";
import { REPL, REPL_NAMES } from "./repl-names.js";
import type { Sandbox } from "./types.js";

export function describeContract(runtime: SandboxUnderTest): void {
  describe("contract", () => {
    let sandbox: Sandbox;
    beforeAll(async () => {
      sandbox = await runtime.create({ timeoutMs: 30_000 });
    });
    afterAll(async () => {
      await sandbox.close();
    });
    const run = async (code: string) => {
      const result = await sandbox.exec(code);
      expect(result.restarted).toBe(false);
      return result;
    };

    it("loads a str context and reports its size", async () => {
      const info = await sandbox.load("héllo wörld 😀");
      expect(info).toMatchObject({ type: "str", totalChars: 13, partLengths: [13], replacedBytes: 0 });
      expect(info.variable).toBe("context");
      expect(
        (await run("print(len(context), type(context).__name__, context[-1] == '\\U0001F600')")).stdout,
      ).toBe("13 str True\n");
    });

    it("loads a list and a dict context with their parts", async () => {
      const list = await sandbox.load(["alpha", "", "gamma ✓"]);
      expect(list).toMatchObject({ type: "list", totalChars: 12, partLengths: [5, 0, 7] });
      expect((await run("print(context)")).stdout).toBe("['alpha', '', 'gamma ✓']\n");
      const dict = await sandbox.load({ "a.txt": "one", "dir/b.md": "two\nlines" });
      expect(dict).toMatchObject({ type: "dict", keys: ["a.txt", "dir/b.md"], partLengths: [3, 9] });
      expect((await run("print(sorted(context.items()))")).stdout).toBe(
        "[('a.txt', 'one'), ('dir/b.md', 'two\\nlines')]\n",
      );
    });

    it("decodes non-UTF-8 bytes with replacement and reports how many were replaced", async () => {
      const bytes = Uint8Array.from([0x61, 0xff, 0x62, 0xc3, 0x28, 0xe2, 0x82, 0x63]);
      const info = await sandbox.load(bytes);
      expect(info.type).toBe("str");
      expect(info.replacedBytes).toBe(4);
      const result = await run("print(context.count('\\ufffd'), context.replace('\\ufffd', '?'))");
      expect(result.stdout).toBe("3 a?b?(?c\n");
    });

    it("loads a 10 MB context and a list of many parts exactly", async () => {
      const big = "0123456789".repeat(1_000_000);
      expect(await sandbox.load(big)).toMatchObject({ type: "str", totalChars: 10_000_000 });
      expect((await run("print(len(context), context[-3:], context.count('9'))")).stdout).toBe(
        "10000000 789 1000000\n",
      );
      const parts = Array.from({ length: 5_000 }, (_, index) => `part ${index} ✓`);
      const info = await sandbox.load(parts);
      expect(info.partLengths).toHaveLength(5_000);
      expect(info.partLengths[4_999]).toBe(11);
      expect((await run("print(len(context), context[4999])")).stdout).toBe("5000 part 4999 ✓\n");
    });

    it("loads multi-megabyte contexts of every kind exactly, whatever straddles a chunk boundary", async () => {
      // Contexts stream in 1 MiB chunks (pyodide): 1- to 4-byte characters, lone surrogates (which
      // become U+FFFD) and invalid UTF-8 are cut by the boundaries at every offset the stride allows.
      const tokens = ["a", "é", "✓", "😀", "bc", "\u{10348}", "\ud800", "z"];
      const text = Array.from({ length: 1_200_000 }, (_, index) => tokens[(index * 5) % 7]).join("");
      const ascii = "0123456789abcdef-".repeat(150_000);
      const pattern = [0x61, 0xff, 0x62, 0xc3, 0x28, 0xe2, 0x82, 0x63, 0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80];
      const bytes = Uint8Array.from({ length: pattern.length * 200_000 }, (_, i) => pattern[i % 14]!);
      const digest = (part: string) => [[...part].length, createHash("sha256").update(part).digest("hex")];
      const loadedParts = async () =>
        JSON.parse(
          (
            await run(
              "import hashlib, json\n" +
                "parts = list(context.values()) if isinstance(context, dict) else context\n" +
                "parts = [parts] if isinstance(parts, str) else parts\n" +
                "print(json.dumps([[len(p), hashlib.sha256(p.encode()).hexdigest()] for p in parts]))",
            )
          ).stdout,
        ) as unknown;
      await sandbox.load(text);
      expect(await loadedParts()).toEqual([digest(text)]);
      const list = [text, ascii, "", "x", text.slice(1)];
      expect((await sandbox.load(list)).partLengths).toEqual(list.map((part) => [...part].length));
      expect(await loadedParts()).toEqual(list.map(digest));
      await sandbox.load({ first: ascii, second: text });
      expect(await loadedParts()).toEqual([digest(ascii), digest(text)]);
      const info = await sandbox.load(bytes);
      expect(info.replacedBytes).toBe(4 * 200_000);
      expect(await loadedParts()).toEqual([digest(new TextDecoder().decode(bytes))]);
    });

    it("loads empty contexts of every kind", async () => {
      expect(await sandbox.load("")).toMatchObject({ type: "str", totalChars: 0 });
      expect((await run("context")).stdout).toBe("''\n");
      expect(await sandbox.load([])).toMatchObject({ type: "list", totalChars: 0, partLengths: [] });
      expect(await sandbox.load({})).toMatchObject({ type: "dict", totalChars: 0, keys: [] });
      expect((await run("print(context)")).stdout).toBe("{}\n");
    });

    it("binds sessions' context_0, context_1 and keeps `context` on the first", async () => {
      const fresh = await runtime.create({});
      try {
        expect((await fresh.load("first", { variable: "context_0" })).variable).toBe("context_0");
        await fresh.load(["second"], { variable: "context_1" });
        const result = await fresh.exec("print(context_0, context_1, context)");
        expect(result.stdout).toBe("first ['second'] first\n");
      } finally {
        await fresh.close();
      }
    });

    it("loads lists and dicts of JSON values as they are, as the official rlm does", async () => {
      const dict = await sandbox.load({ number: 42, nested: { ok: true, none: null }, text: "ü" });
      expect(dict).toMatchObject({ type: "dict", json: true, keys: ["number", "nested", "text"] });
      const seen = await sandbox.exec("print(context['number'] + 1, context['nested'], context['text'])");
      expect(seen.stdout).toBe("43 {'ok': True, 'none': None} ü\n");
      const list = await sandbox.load([1, 2, "four", 2.5]);
      expect(list).toMatchObject({ type: "list", json: true, partLengths: [1, 1, 4, 3] });
      expect((await sandbox.exec("print([type(x).__name__ for x in context])")).stdout).toBe(
        "['int', 'int', 'str', 'float']\n",
      );
    });

    it("rejects a context JSON cannot carry with a clear error", async () => {
      for (const bad of [[1, Number.NaN], { f: () => 1 }, 42] as unknown as string[][]) {
        const error = await sandbox.load(bad).catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(RlmError);
        expect((error as RlmError).hint).toBeTruthy();
      }
    });

    it("keeps state across execs and captures stdout and stderr per call", async () => {
      const first = await run("import sys\nx = 41\nprint('out')\nprint('err', file=sys.stderr)");
      expect(first).toMatchObject({ stdout: "out\n", stderr: "err\n", error: undefined, answer: undefined });
      const second = await run("x += 1\nprint(x)");
      expect(second).toMatchObject({ stdout: "42\n", stderr: "" });
      expect(await sandbox.getVar("x")).toBe("42");
      expect(await sandbox.getVar("never_defined")).toBeUndefined();
    });

    it("returns the traceback with the failing line and keeps what ran before", async () => {
      await run("def divide(a, b):\n    return a / b");
      const result = await run("before = 'kept'\nprint('partial')\ndivide(1, 0)\nprint('never')");
      expect(result.stdout).toBe("partial\n");
      expect(result.error).toContain("ZeroDivisionError");
      expect(result.error).toContain("return a / b");
      expect(result.error).toContain("divide(1, 0)");
      expect((await run("print(before)")).stdout).toBe("kept\n");
      const syntax = await run("def broken(:\n  pass");
      expect(syntax.error).toContain("SyntaxError");
    });

    it("echoes a bare last expression like the Python REPL, and only that", async () => {
      expect((await run("y = 3\ny * 2")).stdout).toBe("6\n");
      expect((await run("'text'")).stdout).toBe("'text'\n");
      expect((await run("None")).stdout).toBe("");
      expect((await run("y + 1\nz = y")).stdout).toBe("");
      expect((await run("print('a')")).stdout).toBe("a\n");
    });

    it("keeps any Unicode in output, even lone surrogates", async () => {
      const result = await run("print('中文 😀 ñ')\nprint('\\ud800' + 'end')");
      expect(result.stdout.split("\n")[0]).toBe("中文 😀 ñ");
      expect(result.stdout).toContain("end");
    });

    it("defines every reserved name and restores each one after it is overwritten", async () => {
      await sandbox.load("the context");
      const kinds = await run(`print([type(${REPL_NAMES.join(").__name__, type(")}).__name__])`);
      expect(kinds.stdout).toBe(`[${REPL_NAMES.map((name) => `'${REPL[name]}'`).join(", ")}]\n`);
      await run(REPL_NAMES.map((name) => `${name} = 'overwritten'`).join("\n"));
      const after = await run(`print([${REPL_NAMES.map((name) => `${name} == 'overwritten'`).join(", ")}])`);
      expect(after.stdout).toBe(`[${Array(REPL_NAMES.length).fill("False").join(", ")}]\n`);
      expect((await run("print(context)")).stdout).toBe("the context\n");
      await run("del llm_query\ndel context");
      expect((await run("print(callable(llm_query), context)")).stdout).toBe("True the context\n");
    });

    it("submits FINAL text with nested parentheses, quotes and several lines", async () => {
      const text = `He said "it's (really) done" (see [1])\nline two\n  'indented'`;
      const result = await run(`FINAL(${JSON.stringify(text)})\nprint("after")`);
      expect(result.answer).toBe(text);
      expect(result.stdout).toBe("after\n");
      expect((await run("print('no answer now')")).answer).toBeUndefined();
      expect((await run("FINAL(6 * 7)")).answer).toBe("42");
      expect((await run('FINAL("""a\n(b))\n""")')).answer).toBe("a\n(b))\n");
    });

    it("submits FINAL_VAR by name and by value, and refuses an unknown name", async () => {
      await run("result = 'the (final) answer'\nwords = ['a', 'b']\nlabel = 'yes'");
      expect((await run('FINAL_VAR("result")')).answer).toBe("the (final) answer");
      expect((await run("FINAL_VAR(result)")).answer).toBe("the (final) answer");
      expect((await run("FINAL_VAR(words)")).answer).toBe("['a', 'b']");
      expect((await run("FINAL_VAR(label)")).answer).toBe("yes");
      expect((await run("FINAL_VAR(' result ')")).answer).toBe("the (final) answer");
      const missing = await run('FINAL_VAR("reslt")');
      expect(missing.answer).toBeUndefined();
      expect(missing.error).toContain("reslt");
      expect(
        (await run("def inner():\n    local = 'from a function'\n    FINAL_VAR('local')\ninner()")).answer,
      ).toBe("from a function");
    });

    it("submits through the answer dict, then resets it", async () => {
      const result = await run('answer["content"] = "dict answer"\nanswer["ready"] = True');
      expect(result.answer).toBe("dict answer");
      expect((await run("print(answer)")).stdout).toBe("{'content': '', 'ready': False}\n");
      expect((await run('answer["content"] = "draft"')).answer).toBeUndefined();
      expect((await run('print(answer["content"])')).stdout).toBe("draft\n");
      expect((await run('answer = {"content": "rebound", "ready": True}')).answer).toBe("rebound");
    });

    it("lists user variables in SHOW_VARS and in the result, without reserved names or modules", async () => {
      const result = await run("import json\nitems = [1, 2, 3]\nSHOW_VARS()");
      expect(result.stdout).toContain("items: list (size 3)");
      expect(result.stdout).not.toContain("llm_query");
      expect(result.stdout).not.toContain("json");
      const names = result.variables.map((variable) => variable.name);
      expect(names).toContain("items");
      expect(names).not.toContain("json");
      expect(names).not.toContain("context");
      expect(result.variables.find((variable) => variable.name === "items")).toEqual({
        name: "items",
        type: "list",
        size: 3,
      });
      expect((await run("print(SHOW_VARS())")).stdout).toContain("items: list (size 3)");
    });

    it("survives SystemExit", async () => {
      const exit = await run("raise SystemExit(3)");
      expect(exit.error).toContain("SystemExit");
      expect((await run("print('alive')")).stdout).toBe("alive\n");
    });

    featureIt(runtime, "stdin-closed", "answers input() with EOF instead of waiting", async () => {
      const input = await run("try:\n    input()\nexcept BaseException as e:\n    print(type(e).__name__)");
      expect(input.stdout).toBe("EOFError\n");
    });

    it("refuses calls after close", async () => {
      const closing = await runtime.create({});
      await closing.close();
      await expect(closing.exec("print(1)")).rejects.toBeInstanceOf(RlmError);
    });
  });
}
