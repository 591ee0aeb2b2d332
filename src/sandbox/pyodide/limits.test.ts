/**
 * Pyodide-specific limits beyond the shared suite: the WebAssembly memory cap, the context size
 * limit named at load, uninterruptible sleeps, repeated interrupts (a single SIGINT is sometimes
 * lost, so it is re-sent) and many bridge round trips in one exec.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RlmError } from "../../errors/index.js";
import type { Sandbox } from "../types.js";
import { createPyodideSandbox } from "./index.js";

describe("pyodide limits", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await createPyodideSandbox({
      memoryMb: 512,
      timeoutMs: 30_000,
      onQuery: async ({ prompt }) => `seen ${prompt}`,
    });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it("caps WebAssembly memory: a 1.5 GiB allocation under 512 MB is a MemoryError, state kept", async () => {
    await sandbox.exec("kept = 'ok'");
    const bomb = await sandbox.exec("bomb = bytearray(1536 * 1024 ** 2)");
    expect(bomb.error).toContain("MemoryError");
    expect(bomb).toMatchObject({ stopped: "memory", restarted: false });
    const growing = await sandbox.exec(
      "chunks = []\nwhile True:\n    chunks.append(bytearray(16 * 1024 ** 2))",
    );
    expect(growing.error).toContain("MemoryError");
    const after = await sandbox.exec("print(len(chunks) < 40, kept)\ndel chunks");
    expect(after.stdout).toBe("True ok\n");
  });

  it("refuses a context too large for the memory cap at load, naming the limit and the size", async () => {
    const small = await createPyodideSandbox({ memoryMb: 256 });
    try {
      const context = "x".repeat(120 * 1024 * 1024);
      const error = await small.load(context).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(RlmError);
      expect((error as RlmError).code).toBe("sandbox-context-too-large");
      expect((error as RlmError).message).toContain("125829120 bytes");
      expect((error as RlmError).message).toContain("memoryMb=256");
      expect((error as RlmError).hint).toContain("memoryMb");
      expect((await small.exec("print(repr(context))")).stdout).toBe("''\n");
    } finally {
      await small.close();
    }
  });

  it("stops a load half-way when its signal aborts, keeping the worker and the context before", async () => {
    await sandbox.load("the earlier context");
    await sandbox.exec("survivor = 'kept'");
    const context = "y".repeat(60 * 1024 * 1024);
    // Aborted as soon as the call is guarded (posted to the worker): the host has then filled the
    // first two 1 MiB slots of 60 and feeds no more before this microtask runs, so the stop always
    // lands half-way (a timer could fire after a fast load on an idle machine, or late on a busy one).
    const controller = new AbortController();
    const { signal } = controller;
    const listen = signal.addEventListener.bind(signal);
    signal.addEventListener = ((...args: Parameters<typeof listen>) => {
      listen(...args);
      queueMicrotask(() => controller.abort());
    }) as typeof signal.addEventListener;
    const error = await sandbox.load(context, { signal }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RlmError);
    expect((error as RlmError).message).toMatch(/cancelled.*KeyboardInterrupt: the load was stopped/);
    const after = await sandbox.exec("print(context, survivor)");
    expect(after).toMatchObject({ stdout: "the earlier context kept\n", restarted: false });
    expect(await sandbox.load(context)).toMatchObject({ totalChars: context.length });
  });

  it("stops runaway loops again and again with the variables kept", async () => {
    await sandbox.exec("count = 0");
    for (let round = 0; round < 5; round++) {
      const result = await sandbox.exec("count += 1\nwhile True:\n    pass", { timeoutMs: 150 });
      expect(result).toMatchObject({ stopped: "timeout", restarted: false });
    }
    expect((await sandbox.exec("count")).stdout).toBe("5\n");
  });

  it("kills an uninterruptible time.sleep, restarts, and says the variables were lost", async () => {
    const local = await createPyodideSandbox({ timeoutMs: 500 });
    try {
      await local.load("reloaded after the restart");
      await local.exec("lost = 1");
      const result = await local.exec("import time\ntime.sleep(60)");
      expect(result).toMatchObject({ stopped: "timeout", restarted: true });
      expect(result.error).toMatch(/killed and restarted/);
      const after = await local.exec("print(context, 'lost' in globals())");
      expect(after).toMatchObject({ stdout: "reloaded after the restart False\n", restarted: false });
    } finally {
      await local.close();
    }
  });

  it("serves many blocking llm_query round trips in one exec, in order", async () => {
    const result = await sandbox.exec(
      "replies = [llm_query(str(i)) for i in range(500)]\nprint(replies[0], replies[-1], len(set(replies)))",
    );
    expect(result.stdout).toBe("seen 0 seen 499 500\n");
  });

  it("passes large non-ASCII prompts and replies through the bridge intact", async () => {
    const result = await sandbox.exec(
      "big = 'ü✓😀' * 200_000\nreply = llm_query(big)\nprint(reply == 'seen ' + big, len(reply))",
    );
    expect(result.stdout).toBe("True 600005\n");
  });

  it("keeps two sandboxes apart while both run at once", async () => {
    const other = await createPyodideSandbox({});
    try {
      await Promise.all([sandbox.exec("mine = 'first'"), other.exec("mine = 'second'")]);
      const [first, second] = await Promise.all([
        sandbox.exec("import time\nt = time.time()\nwhile time.time() - t < 0.3: pass\nprint(mine)"),
        other.exec("print(mine, 'kept' in globals())"),
      ]);
      expect(first.stdout).toBe("first\n");
      expect(second.stdout).toBe("second False\n");
    } finally {
      await other.close();
    }
  });
});
