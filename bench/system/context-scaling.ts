/**
 * Context size scaling: the `linear` task at 1 MB to 100 MB+, each in a fresh process, with the
 * process tree's peak RSS sampled from outside. The target is memory <= 3 x context + 200 MB.
 */

import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ContextCaseResult } from "./context-case.js";
import { watchPeak } from "./process-memory.js";

const CASE = fileURLToPath(new URL("./context-case.ts", import.meta.url));

export interface ContextScalingResult extends ContextCaseResult {
  peakRssMb: number;
  /** 3 x context (bytes, ASCII) + 200 MB. */
  memoryTargetMb: number;
}

export async function measureContext(chars: number): Promise<ContextScalingResult> {
  const child = spawn(process.execPath, ["--expose-gc", "--import", "tsx", CASE, String(chars)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const watch = watchPeak(child.pid!);
  let output = "";
  child.stdout.on("data", (data: Buffer) => {
    output += data.toString("utf8");
  });
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const peak = watch.stop();
  const line = output.split("\n").find((candidate) => candidate.startsWith("CASE_JSON "));
  if (line === undefined)
    throw new Error(`the ${chars}-character case failed (exit ${code}): ${output.slice(-2000)}`);
  const result = JSON.parse(line.slice("CASE_JSON ".length)) as ContextCaseResult;
  return { ...result, peakRssMb: peak / 2 ** 20, memoryTargetMb: (3 * result.chars) / 2 ** 20 + 200 };
}
