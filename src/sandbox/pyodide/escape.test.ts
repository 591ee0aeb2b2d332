/**
 * The escape routes of SECURITY.md "The `pyodide` sandbox (default)" (layer 1), each tried from
 * inside the pyodide sandbox.
 * Every test asserts that the route is closed (and, where the route would leave a trace on the
 * host, that the trace is absent), and that the sandbox still works afterwards.
 */
import { existsSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../types.js";
import { createPyodideSandbox } from "./index.js";

describe("pyodide lockdown: escape routes stay closed", () => {
  let sandbox: Sandbox;
  let server: Server;
  let port = 0;
  let connections = 0;
  const marker = join(tmpdir(), `rlm-escape-${process.pid}-${Date.now()}.txt`);

  beforeAll(async () => {
    sandbox = await createPyodideSandbox({ timeoutMs: 20_000 });
    server = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await sandbox.close();
    await new Promise((resolve) => server.close(resolve));
    rmSync(marker, { force: true });
  });

  const run = (code: string) => sandbox.exec(code);
  const stillWorks = async () => expect((await run("print(6 * 7)")).stdout).toBe("42\n");

  it("`import js` reaches no process, require, fetch or globalThis", async () => {
    const probe = await run(
      "import js\nprint([getattr(js, name, None) is None for name in ('process', 'require', 'fetch', 'globalThis', 'WebSocket', 'eval', 'Function')])",
    );
    expect(probe.stdout).toBe("[True, True, True, True, True, True, True]\n");
    const direct = await run("from js import process");
    expect(direct.error).toContain("ImportError");
    await stillWorks();
  });

  it("`import pyodide_js` (and its _api) is unimportable, so no NODEFS mount or socket FS", async () => {
    for (const code of [
      "import pyodide_js",
      "import pyodide_js._api",
      "from pyodide_js import mountNodeFS\nmountNodeFS('/host', '/')",
      "import sys\nsys.modules['pyodide_js']",
    ]) {
      const result = await run(code);
      expect(result.error, code).toMatch(/ModuleNotFoundError|KeyError|ImportError/);
    }
    const host = await run(
      "import os\nprint(os.path.exists('/host'), os.path.exists('/work'), os.path.exists('/etc/passwd'))",
    );
    expect(host.stdout).toBe("False False False\n");
    await stillWorks();
  });

  it("a JS proxy's .constructor.constructor is not Function, and no string becomes code", async () => {
    const chain = await run("import js\nF = js.constructor.constructor\nprint(F.name)");
    expect(chain.stdout).toBe("Object\n");
    const attempts = [
      "import js\njs.constructor.constructor('return import(\"node:fs\")')()",
      "import pyodide._package_loader as loader\nloader.loadedPackages.constructor.constructor('return globalThis')()",
      "import pyodide.webloop as loop\nloop.scheduleCallback.constructor('return process')()",
      "import pyodide.code\npyodide.code.run_js('import(\"node:fs\")')",
    ];
    for (const code of attempts) {
      const result = await run(code);
      expect(result.error, code).toBeDefined();
      expect(result.stdout, code).toBe("");
    }
    await stillWorks();
  });

  it("ctypes calling emscripten_run_script_string runs nothing on the host and keeps the sandbox", async () => {
    await run("before = 1");
    const script = `require('fs').writeFileSync(${JSON.stringify(marker)}, 'escaped')`;
    for (const name of [
      "emscripten_run_script_string",
      "emscripten_run_script",
      "emscripten_run_script_int",
    ]) {
      const code = `import ctypes\nrun = ctypes.CDLL(None).${name}\nprint(run(${JSON.stringify(script)}.encode()))`;
      const result = await run(code);
      expect(existsSync(marker), name).toBe(false);
      expect(result.restarted, name).toBe(false);
    }
    expect((await run("print('before' in globals())")).stdout).toBe("True\n");
    await stillWorks();
  });

  it("pyodide.http.pyfetch cannot reach a 127.0.0.1 listener", async () => {
    const code = `import pyodide.http\ncoroutine = pyodide.http.pyfetch('http://127.0.0.1:${port}/')\ncoroutine.send(None)`;
    const result = await run(code);
    expect(result.error).toMatch(/ImportError|fetch/);
    expect(connections).toBe(0);
    await stillWorks();
  });

  it("socket and urllib to a 127.0.0.1 listener are refused, and nothing can listen", async () => {
    const attempts = [
      `import socket\ns = socket.socket()\ns.connect(('127.0.0.1', ${port}))`,
      `import socket\nsocket.create_connection(('127.0.0.1', ${port}), timeout=2)`,
      `import urllib.request\nurllib.request.urlopen('http://127.0.0.1:${port}/', timeout=2)`,
      "import socket\ns = socket.socket()\ns.bind(('127.0.0.1', 0))\ns.listen()",
      `import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\ns.sendto(b'x', ('127.0.0.1', ${port}))`,
    ];
    for (const code of attempts) {
      const result = await run(code);
      expect(result.error, code).toMatch(/PermissionError|Permission denied|URLError|OSError/);
    }
    expect(connections).toBe(0);
    await stillWorks();
  });

  it("writes land in the sandbox's own memory filesystem, never on the host", async () => {
    const code = `with open(${JSON.stringify(marker)}, 'w') as f:\n    f.write('inside')\nprint(open(${JSON.stringify(marker)}).read())`;
    const result = await run(code);
    expect(result.stdout).toBe("inside\n");
    expect(existsSync(marker)).toBe(false);
    const root = await run("import os\nprint(sorted(os.listdir('/')))");
    expect(root.stdout).toBe("['dev', 'home', 'lib', 'proc', 'tmp']\n");
  });

  it("a file cannot outgrow the memory cap in the worker's JS heap", async () => {
    const small = await createPyodideSandbox({ memoryMb: 256, timeoutMs: 30_000 });
    try {
      const code =
        "f = open('/tmp/huge', 'wb')\nchunk = b'x' * (32 * 1024 ** 2)\nfor _ in range(20):\n    f.write(chunk)";
      const result = await small.exec(code);
      expect(result.error).toMatch(/OSError|No space/);
      expect(result.restarted).toBe(false);
      expect((await small.exec("import os\nos.remove('/tmp/huge')\nprint('removed')")).stdout).toBe(
        "removed\n",
      );
    } finally {
      await small.close();
    }
  });
});
