/**
 * Runs the task benchmark: for each task, size and sample, generate the instance, answer each
 * question with an RLM (and the direct baseline if asked), print the tables, save the report.
 */

import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { dirname } from "node:path";
import { createModelPool } from "../../src/models/pool/create-model-pool.js";
import { formatSize, getTask } from "../tasks/index.js";
import { runDirect } from "./direct.js";
import { taskTables } from "./report.js";
import { createBenchRlm, runRlm } from "./run-rlm.js";
import type { SimulatedBackend } from "./simulated-backend.js";
import {
  BENCH_FORMAT,
  type BenchReport,
  type QuestionResult,
  type RunnerSettings,
  SIMULATION_NOTE,
} from "./types.js";

export function machine(): BenchReport["machine"] {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    memoryGb: Math.round(totalmem() / 2 ** 30),
  };
}

export async function runTasks(
  settings: RunnerSettings,
  backend: SimulatedBackend | undefined,
): Promise<BenchReport> {
  const report: BenchReport = {
    format: BENCH_FORMAT,
    simulated: settings.simulated,
    ...(settings.simulated ? { note: SIMULATION_NOTE } : {}),
    startedAt: new Date().toISOString(),
    machine: machine(),
    settings: {
      model: settings.model,
      subModel: settings.subModel,
      ...(settings.directModel === undefined ? {} : { directModel: settings.directModel }),
      tasks: settings.tasks,
      sizes: settings.sizes,
      seed: settings.seed,
      samples: settings.samples,
      maxDepth: settings.maxDepth,
      concurrency: settings.concurrency,
      maxIterations: settings.maxIterations,
      runtime: settings.runtime,
    },
    results: [],
  };
  mkdirSync(settings.traceDirectory, { recursive: true });
  const pool = createModelPool({ ...(settings.prices === undefined ? {} : { prices: settings.prices }) });
  const rlm = createBenchRlm(settings);
  try {
    for (const name of settings.tasks) {
      const task = getTask(name);
      for (const size of task.sized ? settings.sizes : [0]) {
        for (let sample = 0; sample < settings.samples; sample++) {
          const seed = settings.seed + sample;
          const instance = await task.generate({
            seed,
            chars: size,
            ...(settings.questions === undefined ? {} : { questions: settings.questions }),
            ...(settings.directory === undefined ? {} : { directory: settings.directory }),
          });
          for (const question of instance.questions) {
            const label = `${name}-${size === 0 ? "tree" : formatSize(size)}-s${seed}-${question.id}`;
            process.stderr.write(`  ${label} ... `);
            // The simulated models learn what the question asks from the task, not from its words.
            backend?.pose(question);
            const run = await runRlm(rlm, settings, instance.context, question, label);
            const direct =
              settings.directModel === undefined
                ? undefined
                : await runDirect(
                    pool,
                    settings.directModel,
                    instance.context,
                    question,
                    settings.directWindow,
                  );
            process.stderr.write(
              `score ${run.score.toFixed(2)} (${run.stopReason}, ${(run.elapsedMs / 1000).toFixed(1)} s)` +
                (run.error ? ` error: ${run.error.slice(0, 300)}` : "") +
                (direct ? `, direct ${direct.score.toFixed(2)}` : "") +
                "\n",
            );
            const result: QuestionResult = {
              task: name,
              requestedChars: size,
              chars: instance.chars,
              seed,
              questionId: question.id,
              query: question.query,
              expected: question.expected,
              rlm: run,
              ...(direct === undefined ? {} : { direct }),
            };
            report.results.push(result);
            // The fake server keeps every request; a long run must not hold all the prompts.
            backend?.server.requests.splice(0);
          }
        }
      }
      console.log(
        taskTables(
          report.results.filter((result) => result.task === name),
          settings.simulated,
        ),
      );
    }
  } finally {
    await rlm.close();
    await pool.close();
  }
  mkdirSync(dirname(settings.out), { recursive: true });
  writeFileSync(settings.out, JSON.stringify(report, null, 1));
  return report;
}
