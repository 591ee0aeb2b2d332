/**
 * The `pyodide` runtime: each Python is a Pyodide worker in the sandbox host process, reached through
 * its proxy (`RemoteWorker`, the transport). Beyond starting one, this runtime only adds what is its
 * own: the spare worker (taken at start, booted when a sandbox closes) and the largest context its
 * 32-bit heap can hold under the memory cap.
 */
import { RlmError } from "../../errors/index.js";
import { megabytes, type PlannedLoad } from "../context-encoding.js";
import type { SandboxRuntime } from "../core/transport.js";
import { RemoteWorker } from "./remote-worker.js";
import type { PyodideSettings } from "./settings.js";
import { expectedSnapshot } from "./snapshot-store.js";
import { discardSpare, prepareSpare, takeSpare } from "./spare-worker.js";

/** A context at least this large (UTF-8 bytes) ends the spare worker and keeps a new one from starting. */
const LARGE_CONTEXT_BYTES = 32 * 1024 * 1024;

export function pyodideRuntime(settings: PyodideSettings): SandboxRuntime {
  /** Set once a large context is loaded: no spare worker is kept beside this sandbox's memory. */
  let largeContext = false;
  return {
    name: "pyodide",
    timeoutMs: settings.timeoutMs,
    memoryMb: settings.memoryMb,
    async start(answer) {
      const { init, key } = workerInit(settings);
      const boot = () => RemoteWorker.start(init, settings);
      const spare = settings.spareWorker
        ? takeSpare(key)?.then((taken) => (taken.alive ? taken : boot()), boot)
        : undefined;
      const worker = await (spare ?? boot());
      worker.serve(answer);
      return worker;
    },
    admit({ byteLength }: PlannedLoad) {
      const limit = settings.maxContextBytes;
      if (byteLength > limit) {
        throw new RlmError(
          "sandbox-context-too-large",
          `the context is ${megabytes(byteLength)} of UTF-8; the pyodide sandbox takes at most ${megabytes(limit)} with memoryMb=${settings.memoryMb}`,
          {
            hint: "Keep it on disk as a lazy context (ContextFile.open(path); rlm ask does it above 256 MB), raise sandbox.memoryMb (up to 4000), or use the process runtime.",
          },
        );
      }
      if (byteLength >= LARGE_CONTEXT_BYTES && settings.spareWorker) {
        largeContext = true;
        discardSpare("a large context is being loaded");
      }
    },
    closed() {
      // Booted now, not while this sandbox ran: a spare booting beside a running loop takes a core
      // for about a second. The next sandbox (a completion, a child RLM, a server's next request) takes it.
      if (settings.spareWorker && !largeContext) {
        const { init, key } = workerInit(settings);
        prepareSpare(key, () => RemoteWorker.start(init, settings, false));
      }
    },
  };
}

/** What a worker boots with; the spare's key (a spare with other settings is of no use). */
function workerInit(settings: PyodideSettings) {
  const { indexURL, snapshot, memoryMb, driverSource, maxOutputChars } = settings;
  const init = {
    indexURL,
    snapshot: snapshot === undefined ? undefined : expectedSnapshot(snapshot),
    memoryMb,
    driverSource,
    maxOutputChars,
  };
  return { init, key: JSON.stringify({ ...init, snapshot: snapshot?.path }) };
}
