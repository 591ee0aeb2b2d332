/**
 * The simulated backend: a fake OpenAI-compatible server on 127.0.0.1 (test/fakes) whose policy is
 * the simulated models. The runner then talks to it exactly as to a real server, through the
 * real model client, pool and sandbox; only the model's words are scripted. Before asking a
 * question the runner poses it (`pose`), so the models know what it asks from the task itself.
 */

import { startFakeOpenAI } from "../../test/fakes/index.js";
import type { FakeServer } from "../../test/fakes/types.js";
import {
  type PosedQuestion,
  SIMULATED_DIRECT,
  SIMULATED_ROOT,
  SIMULATED_SUB,
  type SimulatedPolicyOptions,
  simulatedModels,
} from "../policies/index.js";

/** Window the simulated models report (tokens): a small local model's, so long contexts must be split. */
export const SIMULATED_CONTEXT_WINDOW = 32_768;

export interface SimulatedBackend {
  server: FakeServer;
  root: string;
  sub: string;
  direct: string;
  /** Tells the simulated models what a question asks (its task's `ask`) before it is asked. */
  pose(question: PosedQuestion): void;
  close(): Promise<void>;
}

export async function startSimulatedBackend(options: SimulatedPolicyOptions = {}): Promise<SimulatedBackend> {
  const models = simulatedModels(options);
  const server = await startFakeOpenAI(models.policy, { contextLength: SIMULATED_CONTEXT_WINDOW });
  const spec = (model: string) => `openai-compatible:${server.url}/v1#${model}`;
  return {
    server,
    root: spec(SIMULATED_ROOT),
    sub: spec(SIMULATED_SUB),
    direct: spec(SIMULATED_DIRECT),
    pose: models.pose,
    close: () => server.close(),
  };
}
