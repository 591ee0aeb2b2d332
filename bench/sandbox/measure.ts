/**
 * The measurements of the sandbox bench, one function each; every one returns samples in ms so the
 * table can show medians and spreads. Nothing here asserts a target: the table shows it beside each row.
 */

import { Slots } from "../../src/models/pool/concurrency.js";
import type { QueryHandler, Sandbox, SandboxOptions } from "../../src/sandbox/types.js";

export type CreateSandbox = (options: SandboxOptions) => Promise<Sandbox>;

/**
 * CPU time of this process (host and sandbox worker threads) per sample, filled by the measures
 * that record it: on a machine shared with other work, wall time mostly shows the queue for the CPU.
 */
export const cpuSamples: number[] = [];

function cpuNow(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Create + first exec with no worker booted ahead (`spareWorker: false`): the true cold start. */
export async function coldStart(create: CreateSandbox, runs: number): Promise<number[]> {
  return starts(create, runs, { spareWorker: false }, 0);
}

/**
 * Create + first exec when the previous sandbox left a spare worker booting (given `settleMs` to
 * finish, as a loop's next sandbox or a restart would usually find it).
 */
export async function spareStart(create: CreateSandbox, runs: number, settleMs: number): Promise<number[]> {
  await (await create({})).close();
  return starts(create, runs, {}, settleMs);
}

async function starts(create: CreateSandbox, runs: number, options: SandboxOptions, settleMs: number) {
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    await new Promise((resolve) => setTimeout(resolve, settleMs));
    const started = performance.now();
    const cpu = cpuNow();
    const sandbox = await create(options);
    const result = await sandbox.exec("print(1)");
    samples.push(performance.now() - started);
    cpuSamples.push(cpuNow() - cpu);
    if (result.stdout !== "1\n")
      throw new Error(`cold start sandbox did not run code: ${JSON.stringify(result)}`);
    await sandbox.close();
  }
  return samples;
}

export async function execRoundTrip(sandbox: Sandbox, runs: number): Promise<number[]> {
  for (let warm = 0; warm < 20; warm++) await sandbox.exec("pass");
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    await sandbox.exec("pass");
    samples.push(performance.now() - started);
  }
  return samples;
}

/** Per call: (1000 llm_query calls) minus (1000 calls of a local function), divided by 1000. */
export async function bridgeOverhead(sandbox: Sandbox, runs: number): Promise<number[]> {
  await sandbox.exec("def local(p):\n    return 'ok'\nfor i in range(50): llm_query('warm')");
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    const bridged = await timed(sandbox, "for i in range(1000): llm_query('x')");
    const local = await timed(sandbox, "for i in range(1000): local('x')");
    samples.push((bridged - local) / 1000);
  }
  return samples;
}

/** `llm_query_batched` of `prompts` prompts against a host callback of `latencyMs`, `concurrency` at a time. */
export async function batchedFanOut(
  create: CreateSandbox,
  runs: number,
  prompts: number,
  concurrency: number,
  latencyMs: number,
): Promise<number[]> {
  const slots = new Slots(concurrency);
  const onQuery: QueryHandler = async ({ prompt }) => {
    const release = await slots.acquire(undefined);
    await new Promise((resolve) => setTimeout(resolve, latencyMs));
    release();
    return `answer ${prompt}`;
  };
  const sandbox = await create({ onQuery });
  try {
    const code = `replies = llm_query_batched([str(i) for i in range(${prompts})])\nprint(len(replies), replies[-1])`;
    const samples: number[] = [];
    for (let run = 0; run < runs; run++) {
      const started = performance.now();
      const result = await sandbox.exec(code);
      samples.push(performance.now() - started);
      if (result.stdout !== `${prompts} answer ${prompts - 1}\n`)
        throw new Error(`batch failed: ${result.error}`);
    }
    return samples;
  } finally {
    await sandbox.close();
  }
}

/** `load` of an ASCII string context of `megabytes` MB, bound and measured in Python afterwards. */
export async function contextLoad(sandbox: Sandbox, megabytes: number, runs: number): Promise<number[]> {
  const text = "The quick brown fox jumps over the lazy dog. ".repeat(Math.ceil((megabytes * 2 ** 20) / 45));
  const context = text.slice(0, megabytes * 2 ** 20);
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    const cpu = cpuNow();
    const info = await sandbox.load(context, { variable: "bench_context" });
    samples.push(performance.now() - started);
    cpuSamples.push(cpuNow() - cpu);
    if (info.totalChars !== context.length)
      throw new Error(`loaded ${info.totalChars} of ${context.length} chars`);
  }
  return samples;
}

async function timed(sandbox: Sandbox, code: string): Promise<number> {
  const started = performance.now();
  const result = await sandbox.exec(code);
  if (result.error) throw new Error(result.error);
  return performance.now() - started;
}
