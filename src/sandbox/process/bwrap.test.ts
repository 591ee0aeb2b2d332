import { once } from "node:events";
import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bwrapAvailable, bwrapCommand, createProcessSandbox } from "./index.js";
import { python3Available } from "./python-available.js";

const usable = python3Available() && bwrapAvailable();

const connectCode = (port: number) =>
  [
    "import socket",
    "try:",
    `    socket.create_connection(("127.0.0.1", ${port}), timeout=3).close()`,
    "    print('connected')",
    "except OSError as error:",
    "    print('refused', type(error).__name__)",
  ].join("\n");

describe.skipIf(!usable)("bwrap launcher", () => {
  let server: Server;
  let port = 0;
  let connections = 0;
  beforeAll(async () => {
    server = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const address = server.address();
    port = typeof address === "object" && address !== null ? address.port : 0;
  });
  afterAll(() => {
    server.close();
  });

  it("reaches a 127.0.0.1 listener from plain python3 (the control)", async () => {
    const sandbox = await createProcessSandbox({});
    try {
      expect((await sandbox.exec(connectCode(port))).stdout).toBe("connected\n");
      expect(connections).toBe(1);
    } finally {
      await sandbox.close();
    }
  });

  it("cannot reach the same listener from inside bwrap", async () => {
    const sandbox = await createProcessSandbox({ command: bwrapCommand() });
    try {
      const before = connections;
      const result = await sandbox.exec(connectCode(port));
      expect(result.stdout).toMatch(/^refused /);
      expect(connections).toBe(before);
    } finally {
      await sandbox.close();
    }
  });

  it("sees no host files beyond Python and the driver, and cannot write to them", async () => {
    const sandbox = await createProcessSandbox({ command: bwrapCommand() });
    try {
      const code = [
        "import os",
        `print(os.path.exists(${JSON.stringify(`${process.cwd()}/package.json`)}), os.path.exists('/etc/passwd'))`,
        "try:",
        "    open('/usr/rlm-escape', 'w')",
        "except OSError as error:",
        "    print(type(error).__name__)",
      ].join("\n");
      expect((await sandbox.exec(code)).stdout).toBe("False False\nOSError\n");
    } finally {
      await sandbox.close();
    }
  });
});

describe.skipIf(!usable)("bwrap launcher: privileges", () => {
  it("runs as nobody with no capabilities, so /usr cannot be remounted writable", async () => {
    const sandbox = await createProcessSandbox({ command: bwrapCommand() });
    try {
      const code = [
        "import os, subprocess",
        "caps = [line.split()[1] for line in open('/proc/self/status') if line.startswith('CapEff')][0]",
        "remount = subprocess.run(['/usr/bin/mount', '-o', 'remount,rw,bind', '/usr'], capture_output=True)",
        "print(os.getuid(), int(caps, 16), remount.returncode != 0)",
      ].join("\n");
      expect((await sandbox.exec(code)).stdout).toBe("65534 0 True\n");
    } finally {
      await sandbox.close();
    }
  });
});

describe.skipIf(usable)(
  "bwrap launcher [skipped: needs python3 and a working bwrap (Linux namespaces)]",
  () => {
    it.skip("no network, read-only host view", () => {});
  },
);
