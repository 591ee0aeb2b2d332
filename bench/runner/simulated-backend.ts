/**
 * The simulated backend: a fake OpenAI-compatible server on 127.0.0.1 (test/fakes) whose policy is
 * the simulated models. The runner then talks to it exactly as to a real server, through the
 * real model client, pool and sandbox; only the model's words are scripted.
 */

import { startFakeOpenAI } from "../../test/fakes/index.js";
import type { FakeServer } from "../../test/fakes/types.js";
import {
  SIMULATED_DIRECT,
  SIMULATED_ROOT,
  SIMULATED_SUB,
  type SimulatedPolicyOptions,
  simulatedPolicy,
} from "../policies/index.js";

/** Window the simulated models report (tokens): a small local model's, so long contexts must be split. */
export const SIMULATED_CONTEXT_WINDOW = 32_768;

export interface SimulatedBackend {
  server: FakeServer;
  root: string;
  sub: string;
  direct: string;
  close(): Promise<void>;
}

export async function startSimulatedBackend(options: SimulatedPolicyOptions = {}): Promise<SimulatedBackend> {
  const server = await startFakeOpenAI(simulatedPolicy(options), { contextLength: SIMULATED_CONTEXT_WINDOW });
  const spec = (model: string) => `openai-compatible:${server.url}/v1#${model}`;
  return {
    server,
    root: spec(SIMULATED_ROOT),
    sub: spec(SIMULATED_SUB),
    direct: spec(SIMULATED_DIRECT),
    close: () => server.close(),
  };
}
