/**
 * Layer 2 on its own: what code that has reached Node's APIs inside the sandbox host process could
 * do if layer 1 (the WebAssembly imports, the sealed require) had missed a route. A probe program
 * runs under exactly the command the real process gets (`hostProcessCommand`) and tries the host's
 * files, processes, addons, workers, environment and network; each is judged on the host: a marker
 * file that must not appear, a listener that must see no connection, a secret that must not come out.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { processTree } from "../../../bench/system/process-memory.js";
import { bwrapUsable, hostProcessCommand } from "./host-process.js";
import { createPyodideSandbox } from "./index.js";
import { resolveSettings } from "./settings.js";

const SECRET = `secret-${process.pid}-${Date.now()}`;

const PROBE = `
import fs from "node:fs";
import childProcess from "node:child_process";
import net from "node:net";
import { Worker } from "node:worker_threads";
const [secretPath, markerPath, port] = process.argv.slice(2);
const results = {};
const attempt = (name, run) => { try { results[name] = "allowed: " + String(run()).slice(0, 200); } catch (error) { results[name] = "refused: " + (error.code ?? error.message); } };
attempt("read", () => fs.readFileSync(secretPath, "utf8"));
attempt("write", () => fs.writeFileSync(markerPath, "escaped"));
attempt("spawn", () => childProcess.execSync("touch " + markerPath + ".shell"));
attempt("addon", () => process.dlopen({ exports: {} }, "/usr/lib/x86_64-linux-gnu/libc.so.6"));
attempt("binding", () => process.binding("fs"));
results.environment = JSON.stringify(process.env);
const worker = new Worker("const { parentPort } = require('node:worker_threads'); let r; try { r = require('node:fs').readFileSync(" + JSON.stringify(secretPath) + ", 'utf8'); } catch (e) { r = 'refused: ' + e.code; } parentPort.postMessage(r);", { eval: true });
results.worker = await new Promise((resolve) => { worker.on("message", resolve); worker.on("error", (e) => resolve("refused: " + e.message)); });
await worker.terminate();
results.connect = await new Promise((resolve) => {
  try {
    const socket = net.connect(Number(port), "127.0.0.1");
    socket.on("connect", () => { socket.destroy(); resolve("allowed"); });
    socket.on("error", (error) => resolve("refused: " + error.code));
  } catch (error) { resolve("refused: " + error.code); }
});
process.stdout.write(JSON.stringify(results));
`;

describe("the sandbox host process (layer 2) holds without layer 1", () => {
  const directory = mkdtempSync(join(tmpdir(), "rlm-host-process-"));
  const probeDirectory = mkdtempSync(join(tmpdir(), "rlm-probe-"));
  const secretPath = join(directory, "secret.txt");
  const markerPath = join(directory, "marker");
  let server: Server;
  let connections = 0;
  let results: Record<string, string>;

  beforeAll(async () => {
    writeFileSync(secretPath, SECRET);
    writeFileSync(join(probeDirectory, "probe.mjs"), PROBE);
    server = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    const settings = resolveSettings({});
    const command = hostProcessCommand(settings, join(probeDirectory, "probe.mjs"));
    const probe = spawnSync(command[0]!, [...command.slice(1), secretPath, markerPath, String(port)], {
      env: {},
      encoding: "utf8",
      timeout: 30_000,
    });
    if (!probe.stdout.startsWith("{")) throw new Error(`the probe did not run: ${probe.stderr}`);
    results = JSON.parse(probe.stdout) as Record<string, string>;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(directory, { recursive: true, force: true });
    rmSync(probeDirectory, { recursive: true, force: true });
  });

  it("cannot read a host file, from the process or from a worker it starts", () => {
    expect(results.read).toMatch(/^refused/);
    expect(results.worker).toMatch(/^refused/);
    expect(results.read).not.toContain(SECRET);
    expect(results.worker).not.toContain(SECRET);
  });

  it("cannot write a host file or start a host process", () => {
    expect(results.write).toMatch(/^refused/);
    expect(results.spawn).toMatch(/^refused/);
    expect(existsSync(markerPath)).toBe(false);
    expect(existsSync(`${markerPath}.shell`)).toBe(false);
  });

  it("cannot load a native addon or reach Node's internal bindings", () => {
    expect(results.addon).toMatch(/^refused/);
    expect(results.binding).toMatch(/^refused/);
  });

  it("the real process holds none of the host's environment (API keys)", async () => {
    const previous = process.env.OPENAI_API_KEY;
    process.env.OPENAI_API_KEY = SECRET;
    const sandbox = await createPyodideSandbox({ timeoutMs: 20_000, spareWorker: false });
    try {
      expect((await sandbox.exec("print(1)")).stdout).toBe("1\n");
      const read = (pid: number, file: string) => {
        try {
          return readFileSync(`/proc/${pid}/${file}`, "utf8");
        } catch {
          return "";
        }
      };
      // The sandbox's processes: bwrap and the permission-model Node (not, say, esbuild's service).
      const environments = processTree(process.pid)
        .map(({ pid }) => pid)
        .filter((pid) => /^bwrap\0|--(experimental-)?permission\0/.test(read(pid, "cmdline")))
        .map((pid) => read(pid, "environ"));
      expect(environments.length).toBeGreaterThan(0);
      for (const environment of environments) expect(environment).not.toContain(SECRET);
    } finally {
      await sandbox.close();
      if (previous === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = previous;
    }
  });

  it.skipIf(!bwrapUsable())("has no network under bubblewrap: a 127.0.0.1 listener sees nothing", () => {
    expect(results.connect).toMatch(/^refused/);
    expect(connections).toBe(0);
  });

  it("lets the host exit once its sandboxes are closed, a new snapshot and a spare included", () => {
    const cache = mkdtempSync(join(tmpdir(), "rlm-exit-"));
    const script = `import { createPyodideSandbox } from ${JSON.stringify(new URL("./index.ts", import.meta.url).href)};
const sandbox = await createPyodideSandbox({ timeoutMs: 20000 });
process.stdout.write((await sandbox.exec("print(6 * 7)")).stdout);
await sandbox.close();`;
    try {
      const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
        env: { ...process.env, RLM_CACHE_DIR: cache },
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(run.stdout).toBe("42\n");
      expect(run.status).toBe(0);
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });
});
