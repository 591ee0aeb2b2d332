/**
 * Shared sandbox suite, part 3: limits. Runaway code is interrupted with state kept, or the worker
 * is killed and restarted (saying so, with the context loaded again); aborts, memory bombs, crashes
 * and print floods never leave a dead or bloated sandbox. See common.case.ts.
 */

import { describe, expect, it } from "vitest";
import { RlmError } from "../errors/index.js";
import type { SandboxUnderTest } from "./common.case.js";
import { featureIt } from "./common-helpers.case.js";
import type { Sandbox, SandboxOptions } from "./types.js";

export function describeLimits(runtime: SandboxUnderTest): void {
  const withSandbox = async (options: SandboxOptions, body: (sandbox: Sandbox) => Promise<void>) => {
    const sandbox = await runtime.create(options);
    try {
      await body(sandbox);
    } finally {
      await sandbox.close();
    }
  };

  describe("limits", () => {
    it("interrupts a runaway loop at the timeout and keeps the variables", async () => {
      await withSandbox({ timeoutMs: 1_000 }, async (sandbox) => {
        await sandbox.exec("kept = 'still here'\nn = 0");
        const result = await sandbox.exec("while True:\n    n += 1");
        expect(result).toMatchObject({ stopped: "timeout", restarted: false });
        expect(result.error).toContain("KeyboardInterrupt");
        expect(result.error).toContain("1000 ms");
        const after = await sandbox.exec("print(kept, n > 0)");
        expect(after.stdout).toBe("still here True\n");
        const quick = await sandbox.exec("while True: pass", { timeoutMs: 300 });
        expect(quick.error).toContain("300 ms");
      });
    });

    featureIt(runtime, "interrupt-sleep", "interrupts time.sleep and keeps the variables", async () => {
      await withSandbox({ timeoutMs: 800 }, async (sandbox) => {
        await sandbox.exec("kept = 7");
        const result = await sandbox.exec("import time\ntime.sleep(30)");
        expect(result).toMatchObject({ stopped: "timeout", restarted: false });
        expect((await sandbox.exec("kept")).stdout).toBe("7\n");
      });
    });

    it("kills and restarts code that cannot be interrupted, saying so, with the context loaded again", async () => {
      await withSandbox({ timeoutMs: 800 }, async (sandbox) => {
        await sandbox.load(["part one", "part two"]);
        await sandbox.exec("lost = 1");
        // One long C call: no Python bytecode runs, so no KeyboardInterrupt can be raised.
        const result = await sandbox.exec("sum(range(10 ** 15))");
        expect(result).toMatchObject({ stopped: "timeout", restarted: true });
        expect(result.error).toMatch(/restarted/i);
        expect(result.error).toMatch(/variable/i);
        const after = await sandbox.exec("print(context[1], 'lost' in globals())");
        expect(after).toMatchObject({ stdout: "part two False\n", restarted: false });
      });
    });

    it("stops the code when the exec's signal aborts", async () => {
      await withSandbox({ timeoutMs: 30_000 }, async (sandbox) => {
        await sandbox.exec("kept = 'yes'");
        const controller = new AbortController();
        const running = sandbox.exec("while True: pass", { signal: controller.signal });
        setTimeout(() => controller.abort(), 200);
        const result = await running;
        expect(result.stopped).toBe("aborted");
        expect(result.error).toMatch(/cancel/i);
        const early = await sandbox.exec("never_defined = 1", { signal: controller.signal });
        expect(early.stopped).toBe("aborted");
        expect((await sandbox.exec("print(kept, 'never_defined' in globals())")).stdout).toBe("yes False\n");
      });
    });

    // The timeout counts Python's own time: waiting on the host (a batch of slow local sub-model calls)
    // is bounded by the run's time limit and the model pool instead, never by the exec's timeout.
    it("does not count a host call slower than the timeout, yet stops Python that runs on after it", async () => {
      const onQuery = (request: { prompt: string }) =>
        new Promise<string>((resolve) => setTimeout(() => resolve(`slow ${request.prompt}`), 1_500));
      await withSandbox({ timeoutMs: 800, onQuery }, async (sandbox) => {
        const slow = await sandbox.exec("r = llm_query_batched(['a', 'b'])\nprint(r, llm_query('c'))");
        expect(slow.error).toBeUndefined();
        expect(slow.stopped).toBeUndefined();
        expect(slow.stdout).toBe("['slow a', 'slow b'] slow c\n");
        const runaway = await sandbox.exec("d = llm_query('d')\nwhile True: pass");
        expect(runaway).toMatchObject({ stopped: "timeout", restarted: false });
        expect((await sandbox.exec("print(d)")).stdout).toBe("slow d\n");
      });
    });

    it("cancels an llm_query in flight when the exec's signal aborts, and keeps the variables", async () => {
      let cancelled = 0;
      const onQuery = (_request: unknown, signal: AbortSignal) =>
        new Promise<string>((_resolve, reject) => {
          signal.addEventListener(
            "abort",
            () => {
              cancelled++;
              reject(new Error("cancelled by the host"));
            },
            { once: true },
          );
        });
      await withSandbox({ timeoutMs: 800, onQuery }, async (sandbox) => {
        await sandbox.exec("kept = 3");
        const controller = new AbortController();
        const running = sandbox.exec("llm_query('this never answers')", { signal: controller.signal });
        setTimeout(() => controller.abort(), 1_200);
        const result = await running;
        expect(result).toMatchObject({ stopped: "aborted", restarted: false });
        expect(cancelled).toBe(1);
        expect((await sandbox.exec("kept")).stdout).toBe("3\n");
      });
    });

    it("caps a print flood, keeping the head, the tail and the count cut", async () => {
      await withSandbox({ maxOutputChars: 2_000 }, async (sandbox) => {
        const code =
          "import sys\nfor i in range(200_000):\n    print('line', i)\n_ = sys.stderr.write('e' * 1_000_000)";
        const result = await sandbox.exec(code);
        expect(result.error).toBeUndefined();
        expect(result.stdout.length).toBeLessThan(2_100);
        expect(result.stdout.startsWith("line 0\nline 1\n")).toBe(true);
        expect(result.stdout.endsWith("line 199999\n")).toBe(true);
        expect(result.stdout).toMatch(/\[\.\.\. \d+ characters cut \.\.\.\]/);
        expect(result.stderr.length).toBeLessThan(2_100);
        const raw = await sandbox.exec("import os\nos.write(1, b'raw fd line\\n')\nprint('fine')");
        expect(raw.stdout).toContain("fine");
        expect(raw.stdout + raw.stderr).toContain("raw fd line");
      });
    });

    it("settles a running exec when the sandbox is closed", async () => {
      const sandbox = await runtime.create({ timeoutMs: 30_000 });
      const running = sandbox.exec("while True: pass");
      await new Promise((resolve) => setTimeout(resolve, 200));
      await sandbox.close();
      const outcome = await running.then(
        (result) => result.error,
        (error: unknown) => (error instanceof RlmError ? error.code : String(error)),
      );
      expect(outcome).toBeTruthy();
      await expect(sandbox.exec("print(1)")).rejects.toBeInstanceOf(RlmError);
    });

    featureIt(runtime, "memory-cap", "turns a memory bomb into a MemoryError and keeps working", async () => {
      await withSandbox({ memoryMb: 512 }, async (sandbox) => {
        await sandbox.exec("kept = 'ok'");
        // 1.5 GiB: three times the cap, yet below wasm32's 2 GiB object limit, so every runtime hits the cap.
        const result = await sandbox.exec("bomb = bytearray(1536 * 1024 ** 2)");
        expect(result.error).toContain("MemoryError");
        expect(result.stopped).toBe("memory");
        const after = await sandbox.exec("print(kept if 'kept' in globals() else 'restarted')");
        expect(after.stdout).toBe(result.restarted ? "restarted\n" : "ok\n");
        const growing = await sandbox.exec(
          "chunks = []\nwhile True:\n    chunks.append(bytearray(10 * 1024 ** 2))",
        );
        expect(growing.error).toContain("MemoryError");
        expect((await sandbox.exec("del chunks\nprint('alive')")).stdout).toContain("alive");
      });
    });

    featureIt(
      runtime,
      "crash-on-exit",
      "reports a crashed worker and restarts it with the context",
      async () => {
        await withSandbox({}, async (sandbox) => {
          await sandbox.load("survives restarts");
          const result = await sandbox.exec("import os\nprint('bye')\nos._exit(3)");
          expect(result).toMatchObject({ stopped: "crashed", restarted: true });
          expect(result.error).toMatch(/restarted/i);
          const after = await sandbox.exec("print(context)");
          expect(after).toMatchObject({ stdout: "survives restarts\n", restarted: false });
        });
      },
    );
  });
}
