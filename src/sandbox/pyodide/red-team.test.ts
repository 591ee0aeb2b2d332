/**
 * Red-team probes of the pyodide sandbox, beyond escape.test.ts and host-routes.test.ts. Each test
 * asserts that a route from Python to the host is CLOSED, judged on the host (the process tree's
 * RSS read from /proc, the host process's pid, another sandbox's state), never on what Python
 * prints about itself.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { processTree, treeRss, watchPeak } from "../../../bench/system/process-memory.js";
import type { Sandbox } from "../types.js";
import { createPyodideSandbox } from "./index.js";

const MB = 1024 ** 2;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("red team: memory the caps do not see", () => {
  it("files written in one write() each count against memoryMb (ENOSPC), not only the first", async () => {
    // MEMFS.write's fast path (an empty file written at offset 0) stores `buffer.slice(...)`
    // without calling expandFileStorage, so capFileSizes never counts it.
    const small = await createPyodideSandbox({ memoryMb: 256, timeoutMs: 30_000, spareWorker: false });
    const before = treeRss(process.pid);
    const peak = watchPeak(process.pid, 10);
    try {
      const result = await small.exec(
        "chunk = b'x' * (100 * 1024 ** 2)\nwritten = 0\ntry:\n    for index in range(6):\n        with open(f'/tmp/one{index}', 'wb') as f:\n            f.write(chunk)\n        written += 100\nexcept OSError as error:\n    print('refused', error.errno)\nprint(written)",
      );
      const grown = peak.stop() - before;
      const writtenMb = Number(result.stdout.trim().split("\n").at(-1) ?? "0");
      // Either the cap refused the files (under 256 MB of them) or the worker was ended for memory.
      if (!result.restarted) expect(writtenMb).toBeLessThan(256);
      // 1.25 x memoryMb plus the process's own overhead, not 600 MB of files on top.
      expect(grown).toBeLessThan(500 * MB);
    } finally {
      peak.stop();
      await small.close();
    }
  });

  it("to_js copies of Python bytes (JS buffers outside both heaps) are bounded", async () => {
    const small = await createPyodideSandbox({ memoryMb: 256, timeoutMs: 30_000, spareWorker: false });
    const before = treeRss(process.pid);
    const peak = watchPeak(process.pid, 10);
    try {
      const result = await small.exec(
        "from pyodide.ffi import to_js\nchunk = b'y' * (64 * 1024 ** 2)\nkeep = []\nfor _ in range(40):\n    keep.append(to_js(chunk))\nprint(len(keep))",
      );
      const grown = peak.stop() - before;
      expect(result.stdout).not.toContain("40");
      expect(grown).toBeLessThan(1_200 * MB);
      expect((await small.exec("print(6 * 7)")).stdout).toBe("42\n");
    } finally {
      peak.stop();
      await small.close();
    }
  });
});

describe("red team: Python that runs after its exec returned (webloop callbacks)", () => {
  // `asyncio.get_event_loop().call_later(...)` scheduled a Python function on the worker's JS
  // event loop, to run after its exec returned (outside every timeout, while the host process's
  // memory watch counted the worker as idle). Scheduling is now refused; should another route run
  // Python between calls, the in-worker caps and the watch (which ends the worker holding the
  // most, busy or not) still hold, and the bystander must not pay.
  let grower: Sandbox;
  let bystander: Sandbox;
  let before = 0;
  let after = 0;
  let scheduled: { stdout: string; error?: string | undefined } = { stdout: "" };

  beforeAll(async () => {
    grower = await createPyodideSandbox({ memoryMb: 256, timeoutMs: 20_000, spareWorker: false });
    bystander = await createPyodideSandbox({ memoryMb: 256, timeoutMs: 20_000, spareWorker: false });
    await bystander.exec("kept = 'bystander'");
    before = treeRss(process.pid);
    const result = await grower.exec(
      "import asyncio\ndef grow():\n    chunk = b'z' * (100 * 1024 ** 2)\n    for index in range(24):\n        with open(f'/tmp/late{index}', 'wb') as f:\n            f.write(chunk)\nasyncio.get_event_loop().call_later(0.1, grow)\nprint('scheduled')",
    );
    scheduled = result;
    // Let the callback run (or be stopped); stop waiting once the tree stops growing.
    let last = before;
    for (let waited = 0; waited < 16_000; waited += 1_000) {
      await sleep(1_000);
      const now = treeRss(process.pid);
      after = Math.max(after, now);
      if (waited >= 3_000 && Math.abs(now - last) < 20 * MB) break;
      last = now;
    }
  }, 40_000);
  afterAll(async () => {
    await grower?.close();
    await bystander?.close();
  });

  it("cannot grow the host past the caps while no call is running", () => {
    // Refused outright, or (were it to run) bounded below.
    if (scheduled.stdout !== "scheduled\n") expect(scheduled.error).toMatch(/runs no code between calls/);
    // memoryMb 256: about 1.25 x 256 MB for the sandbox, not 2.4 GB of files made between calls.
    expect(after - before).toBeLessThan(700 * MB);
  });

  it("another sandbox's exec is not ended for memory it did not use", async () => {
    // Half a second of work: long enough for the host process's memory watch to see it running.
    const result = await bystander.exec(
      "import time\nend = time.time() + 0.5\nwhile time.time() < end:\n    pass\nprint(kept)",
    );
    expect(result.error).toBeUndefined();
    expect(result.restarted).toBe(false);
    expect(result.stdout).toBe("bystander\n");
  });
});

describe("red team: crashes stay in one worker", () => {
  let attacker: Sandbox;
  let bystander: Sandbox;

  beforeAll(async () => {
    attacker = await createPyodideSandbox({ memoryMb: 256, timeoutMs: 10_000, spareWorker: false });
    bystander = await createPyodideSandbox({ memoryMb: 256, timeoutMs: 10_000, spareWorker: false });
  });
  afterAll(async () => {
    await attacker.close();
    await bystander.close();
  });

  it("fatal errors, exit/abort through ctypes and wild writes end only the attacker's worker", async () => {
    await bystander.exec("kept = 'alive'");
    const processes = () =>
      processTree(process.pid)
        .map((entry) => entry.pid)
        .sort()
        .join(",");
    const tree = processes();
    for (const code of [
      "import _pyodide_core\n_pyodide_core.trigger_fatal_error()",
      "import ctypes\nctypes.CDLL(None).exit(3)",
      "import os\nos._exit(0)",
      "import ctypes\nctypes.CDLL(None).emscripten_force_exit(1)",
      "import ctypes\nctypes.CDLL(None).abort()",
      "import ctypes\nctypes.memset(0, 0, 10 ** 6)",
      "import ctypes\nctypes.string_at(0xfffffff0, 100)",
    ]) {
      await attacker.exec(code);
      const result = await bystander.exec("print(kept)");
      expect(result.stdout, code).toBe("alive\n");
      expect(result.restarted, code).toBe(false);
    }
    // The same host process (bwrap and node under it): nothing restarted it.
    expect(processes()).toBe(tree);
    expect((await attacker.exec("print(6 * 7)")).stdout).toBe("42\n");
  }, 40_000);

  it("the bridge function called directly with malformed, non-bytes or huge requests harms nothing", async () => {
    const result = await attacker.exec(
      [
        "call = llm_query.__globals__['_rlm_js_host_call']",
        "replies = []",
        'for payload in [b\'not json\', b\'{"type": "tool", "name": "__proto__", "args": [], "kwargs": {}}\',',
        '                b\'{"type": "query", "kind": "llm", "model": "llamacpp:/etc/passwd", "prompts": ["x"]}\',',
        "                b'[' * 100000, b'\"' + b'a' * (40 * 1024 ** 2) + b'\"']:",
        "    replies.append(bytes(call(payload).to_bytes())[:60])",
        "for payload in [{'a': 1}, 'text', 12]:",
        "    try:",
        "        call(payload)",
        "    except Exception as error:",
        "        replies.append(type(error).__name__)",
        "print(len(replies))",
      ].join("\n"),
    );
    expect(result.restarted).toBe(false);
    expect(result.stdout).toBe("8\n");
    expect((await bystander.exec("print(kept)")).stdout).toBe("alive\n");
  }, 30_000);

  it("Python sees no host path, user or environment", async () => {
    const host = [process.cwd(), process.env.HOME ?? "/root", "node_modules", ".cache/rlm"];
    const result = await attacker.exec(
      "import os, sys, pyodide._package_loader as loader\nprint(repr(dict(os.environ)), sys.path, sys.executable, sys.prefix, repr(vars(loader)), os.getcwd(), os.getuid())",
    );
    for (const text of host) expect(result.stdout, text).not.toContain(text);
    expect(result.stdout).not.toContain(process.env.USER ?? "no-user-set");
  });
});
