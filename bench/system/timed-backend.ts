/**
 * Starts the system benchmark's scripted backend in a child process and reads its server-side
 * timings back: when each request arrived and when its reply was ready (after the simulated
 * latency), on the wall clock both processes share.
 */

import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { BackendScript, FromBackend, ServerTiming, ToBackend } from "./backend-process.js";

export { clock } from "./backend-process.js";

const ENTRY = fileURLToPath(new URL("./backend-process.ts", import.meta.url));

export interface TimedBackend {
  url: string;
  spec(model: string): string;
  /** Timings so far (and forget them, with `clear`). */
  timings(clear?: boolean): Promise<{ timings: ServerTiming[]; maxInFlight: number }>;
  close(): Promise<void>;
}

export async function startTimedBackend(
  script: Partial<BackendScript> & { rootReplies: string[] },
): Promise<TimedBackend> {
  const child = fork(ENTRY, [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  let exited: Error | undefined;
  const waiting = new Set<(error: Error) => void>();
  child.once("exit", (code) => {
    exited = new Error(`the benchmark backend exited (${code})`);
    for (const reject of waiting) reject(exited);
  });
  const next = (type: FromBackend["type"]) =>
    new Promise<FromBackend>((resolve, reject) => {
      if (exited) return reject(exited);
      const onMessage = (message: FromBackend) => {
        if (message.type !== type) return;
        child.off("message", onMessage);
        waiting.delete(reject);
        resolve(message);
      };
      waiting.add(reject);
      child.on("message", onMessage);
    });
  const send = (message: ToBackend) => child.send(message);
  const started = next("started");
  send({
    type: "start",
    script: { subReply: "ok", rootLatencyMs: 0, subLatencyMs: 0, contextLength: 32_768, ...script },
  });
  const { url } = (await started) as Extract<FromBackend, { type: "started" }>;
  return {
    url,
    spec: (model) => `openai-compatible:${url}/v1#${model}`,
    timings: async (clear = false) => {
      const reply = next("timings");
      send({ type: "timings", clear });
      const message = (await reply) as Extract<FromBackend, { type: "timings" }>;
      return { timings: message.timings, maxInFlight: message.maxInFlight };
    },
    close: async () => {
      if (exited) return;
      const done = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      send({ type: "stop" });
      await done;
    },
  };
}

/**
 * A process's steady state: `measure` run `warmUp + runs` times in a row (the JIT keeps optimizing
 * over the first few), the last `runs` kept. `median` is the middle one of those by `key`; `keys`
 * is every run's key, warm-up ones first, in the order they ran.
 */
export async function steadyState<T>(
  measure: () => Promise<T>,
  warmUp: number,
  runs: number,
  key: (run: T) => number,
): Promise<{ median: T; steady: T[]; keys: number[] }> {
  const all: T[] = [];
  for (let index = 0; index < warmUp + runs; index++) all.push(await measure());
  const steady = all.slice(warmUp);
  const sorted = [...steady].sort((left, right) => key(left) - key(right));
  return { median: sorted[Math.floor(sorted.length / 2)]!, steady, keys: all.map(key) };
}

export { median } from "../runner/command-line.js";
