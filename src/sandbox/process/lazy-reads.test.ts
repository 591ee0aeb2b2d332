import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ContextFile } from "../context-file.js";
import { createProcessSandbox } from "./index.js";
import { python3Available } from "./python-available.js";

/**
 * Host memory against a hostile child: code that holds the driver's reader thread (so replies stay
 * unread) and sends raw read requests on the protocol from several threads. The host answers one
 * read at a time and kills the child once 128 MB of replies wait unread, instead of holding 64 MB
 * per request. Judged on the host: the child is gone and says why; the sandbox restarts.
 */
describe.skipIf(!python3Available())(
  "process runtime: reads of a lazy context against a child that stops reading",
  () => {
    let directory: string;
    let path: string;
    beforeAll(async () => {
      directory = await mkdtemp(join(tmpdir(), "rlm-lazy-reads-"));
      path = join(directory, "sparse.log");
      const file = await open(path, "w");
      await file.write("start\n");
      await file.truncate(512 * 1024 * 1024); // sparse: no disk, reads as NUL bytes
      await file.close();
    });
    afterAll(async () => {
      await rm(directory, { recursive: true, force: true });
    });

    it("kills the child once its unread replies pass the bound, and restarts with the context", async () => {
      const sandbox = await createProcessSandbox({ timeoutMs: 60_000 });
      try {
        await sandbox.load(await ContextFile.open(path));
        const attack = [
          "import gc, time",
          "channel = next(o for o in gc.get_objects() if type(o).__name__ == '_Channel')",
          "channel._replies_lock.acquire()  # the reader thread stops after its first reply",
          "for number in range(8):",
          "    channel.send({'type': 'host', 'id': 10_000 + number,",
          "                  'request': {'type': 'read', 'source': 0, 'offset': 0, 'length': 64 << 20}})",
          "time.sleep(50)",
          "print('still alive')",
        ].join("\n");
        const result = await sandbox.exec(attack);
        expect(result.stdout).not.toContain("still alive");
        expect(`${result.error}`).toContain("replies unread");
        const after = await sandbox.exec("print(len(context), context[:5])");
        expect(after.stdout).toBe(`${512 * 1024 * 1024} start\n`);
      } finally {
        await sandbox.close();
      }
    }, 120_000);
  },
);
