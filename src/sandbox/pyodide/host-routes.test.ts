/**
 * The escape battery for the routes from Python to the host found in Pyodide's own imports
 * (host-imports.ts, test/audit): host commands, host files, host JavaScript and host paths. Each is
 * judged on the host (a marker file a shell would write, a copy of a host file that would appear),
 * and the sandbox must still work afterwards.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { treeRss, watchPeak } from "../../../bench/system/process-memory.js";
import type { Sandbox } from "../types.js";
import { createPyodideSandbox } from "./index.js";

describe("pyodide: no route to host commands, files or JavaScript", () => {
  let sandbox: Sandbox;
  const directory = mkdtempSync(join(tmpdir(), "rlm-host-routes-"));
  const marker = join(directory, "marker");
  const secret = join(directory, "secret.txt");

  beforeAll(async () => {
    writeFileSync(secret, "host secret 7f3a");
    sandbox = await createPyodideSandbox({ timeoutMs: 20_000 });
  });
  afterAll(async () => {
    await sandbox.close();
    rmSync(directory, { recursive: true, force: true });
  });

  const run = (code: string) => sandbox.exec(code);
  const stillWorks = async () => expect((await run("print(6 * 7)")).stdout).toBe("42\n");
  const shell = `touch ${marker}`;

  it("os.system and os.popen raise PermissionError and run no shell", async () => {
    for (const call of [`os.system(${JSON.stringify(shell)})`, `os.popen(${JSON.stringify(shell)})`]) {
      const result = await run(`import os\n${call}`);
      expect(result.error, call).toMatch(/PermissionError: the sandbox has no host access/);
    }
    const posix = await run(`import posix\nprint(posix.system(${JSON.stringify(shell)}))`);
    expect(posix.error).toMatch(/PermissionError/);
    expect(existsSync(marker)).toBe(false);
    await stillWorks();
  });

  it("C's system() through ctypes fails (-1) and runs no shell", async () => {
    const result = await run(
      `import ctypes\nprint(ctypes.CDLL(None).system(${JSON.stringify(shell)}.encode()))`,
    );
    expect(result.stdout).toBe("-1\n");
    expect(existsSync(marker)).toBe(false);
    await stillWorks();
  });

  it("emscripten's wget and preload helpers copy no host file in", async () => {
    const attempts = [
      `lib.emscripten_async_wget(${JSON.stringify(secret)}.encode(), b"/tmp/copied", None, None)`,
      `lib.emscripten_async_wget2(${JSON.stringify(secret)}.encode(), b"/tmp/copied", b"GET", b"", None, None, None, None)`,
      `lib.emscripten_async_wget_data(${JSON.stringify(secret)}.encode(), None, None, None)`,
      `lib.emscripten_run_preload_plugins(${JSON.stringify(secret)}.encode(), None, None)`,
    ];
    for (const attempt of attempts) {
      const result = await run(
        `import ctypes, os\nlib = ctypes.CDLL(None)\n${attempt}\nprint(os.path.exists("/tmp/copied"))`,
      );
      expect(result.restarted, attempt).toBe(false);
      expect(result.stdout, attempt).not.toContain("True");
    }
    const search = await run(
      "import os\nfound = []\nfor root, _, files in os.walk('/'):\n    if root.startswith(('/dev', '/proc')):\n        continue\n    for name in files:\n        path = os.path.join(root, name)\n        try:\n            if b'host secret 7f3a' in open(path, 'rb').read():\n                found.append(path)\n        except OSError:\n            pass\nprint(found)",
    );
    expect(search.stdout).toBe("[]\n");
    await stillWorks();
  });

  it("ctypes.CDLL of a host path fails the same way whether the file exists or not", async () => {
    const probe = (path: string) =>
      run(
        `import ctypes\ntry:\n    ctypes.CDLL(${JSON.stringify(path)})\nexcept OSError as error:\n    print(str(error).replace(${JSON.stringify(path)}, "PATH"))`,
      );
    writeFileSync(join(directory, "library.so"), "not a library");
    for (const [existing, missing] of [
      [secret, join(directory, "no-such-file.txt")],
      [join(directory, "library.so"), join(directory, "no-such-library.so")],
    ] as const) {
      const found = await probe(existing);
      expect(found.stdout).not.toBe("");
      expect(found.stdout).toBe((await probe(missing)).stdout);
    }
    await stillWorks();
  });

  it("reading /dev/tty does not read the host's stdin", async () => {
    const result = await run(
      "try:\n    print(repr(open('/dev/tty').read(5)))\nexcept OSError as error:\n    print('refused')",
    );
    expect(result.stdout).toMatch(/refused|''/);
    await stillWorks();
  });

  it("a JavaScript error seen from Python carries no host path and no stack", async () => {
    const result = await run(
      "import js\ntry:\n    js.constructor.keys(None)\nexcept Exception as error:\n    print(error.js_error.stack)\n    error.js_error.constructor.stackTraceLimit = 50\ntry:\n    js.constructor.keys(None)\nexcept Exception as error:\n    print(error.js_error.stack)",
    );
    expect(result.stdout).toContain("TypeError");
    expect(result.stdout).not.toMatch(/file:|node_modules|\/work\/|\/home\/|pyodide\.asm/);
    await stillWorks();
  });

  it("websockets cannot be made through ctypes", async () => {
    const result = await run(
      "import ctypes\nlib = ctypes.CDLL(None)\nprint(lib.emscripten_websocket_is_supported())",
    );
    expect(result.stdout).toBe("0\n");
    await stillWorks();
  });

  it("the memory cap covers all files together, not each file on its own", async () => {
    const small = await createPyodideSandbox({ memoryMb: 256, timeoutMs: 30_000 });
    const before = treeRss(process.pid);
    try {
      const code =
        "chunk = b'x' * (16 * 1024 ** 2)\nwritten = 0\ntry:\n    for index in range(40):\n        with open(f'/tmp/file{index}', 'wb') as f:\n            for _ in range(4):\n                f.write(chunk)\n                written += len(chunk)\nexcept OSError as error:\n    print('refused', error.errno)\nprint(written // 1024 ** 2)";
      const result = await small.exec(code);
      expect(result.restarted).toBe(false);
      expect(result.stdout).toMatch(/^refused/);
      const writtenMb = Number(result.stdout.trim().split("\n").at(-1));
      expect(writtenMb).toBeLessThan(256);
      // The host's processes grew by less than the cap, not by 40 files of 64 MB.
      expect(treeRss(process.pid) - before).toBeLessThan(400 * 1024 ** 2);
      const cleared = await small.exec(
        "import os\nfor name in os.listdir('/tmp'):\n    os.remove('/tmp/' + name)\nwith open('/tmp/again', 'wb') as f:\n    f.write(b'y' * (64 * 1024 ** 2))\nprint('ok')",
      );
      expect(cleared.stdout).toBe("ok\n");
    } finally {
      await small.close();
    }
  });

  it("JS objects Python makes are capped too: the worker restarts, the host process stays", async () => {
    const small = await createPyodideSandbox({ memoryMb: 256, timeoutMs: 60_000 });
    const before = treeRss(process.pid);
    const peak = watchPeak(process.pid);
    try {
      const result = await small.exec(
        "from pyodide.ffi import to_js\nkeep = []\nfor _ in range(400):\n    keep.append(to_js(list(range(10 ** 6))))",
      );
      const peakBytes = peak.stop();
      expect(result.restarted).toBe(true);
      expect(result.stopped).toBe("memory");
      // 400 arrays of a million numbers would be gigabytes; the worker's heap stops at 256 MB.
      expect(peakBytes - before).toBeLessThan(700 * 1024 ** 2);
      expect((await small.exec("print(6 * 7)")).stdout).toBe("42\n");
    } finally {
      peak.stop();
      await small.close();
    }
  });

  it("JS buffers Python makes through proxies are bounded: the busy worker is ended, the host stays", async () => {
    const small = await createPyodideSandbox({ memoryMb: 256, timeoutMs: 60_000 });
    const before = treeRss(process.pid);
    const peak = watchPeak(process.pid, 10);
    try {
      const result = await small.exec(
        "from pyodide.ffi import to_js\nU8 = to_js(b'x').constructor\nkeep = []\nfor _ in range(24):\n    block = U8.new(256 * 1024 * 1024)\n    block.fill(1)\n    keep.append(block)",
      );
      const peakBytes = peak.stop();
      expect(result.restarted).toBe(true);
      expect(result.stopped).toBe("memory");
      // 24 blocks of 256 MB would be 6 GB; the process's budget at memoryMb 256 is under 1 GB.
      expect(peakBytes - before).toBeLessThan(1_600 * 1024 ** 2);
      expect((await small.exec("print(6 * 7)")).stdout).toBe("42\n");
      // Copies of one Python buffer: 40 x 100 MB of JavaScript from 100 MB of Python.
      const copies = watchPeak(process.pid, 10);
      const copied = await small.exec(
        "from pyodide.ffi import to_js\nsource = b'x' * (100 * 1024 * 1024)\nkeep = [to_js(source) for _ in range(40)]",
      );
      expect(copied.stopped).toBe("memory");
      expect(copies.stop() - before).toBeLessThan(1_600 * 1024 ** 2);
      expect((await small.exec("print(6 * 7)")).stdout).toBe("42\n");
    } finally {
      peak.stop();
      await small.close();
    }
  });
});
