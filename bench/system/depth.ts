/**
 * Depth-2 trees: the simulated `parallel` task with `maxDepth: 2`, so the root hands large parts
 * to child RLMs (each with its own REPL) that split them again for plain sub-calls.
 */

import { RLM } from "../../src/rlm/index.js";
import { startSimulatedBackend } from "../runner/simulated-backend.js";
import { score } from "../scoring/index.js";
import { parallelTask } from "../tasks/people.js";

export interface DepthResult {
  chars: number;
  score: number;
  depth: number;
  subCalls: number;
  elapsedMs: number;
  stopReason: string;
  serverRequests: number;
}

export async function measureDepth(chars: number, concurrency: number): Promise<DepthResult> {
  const instance = await parallelTask.generate({ seed: 3, chars });
  const backend = await startSimulatedBackend();
  try {
    const question = instance.questions[0]!;
    backend.pose(question);
    const rlm = new RLM({ model: backend.root, subModel: backend.sub, maxDepth: 2, concurrency });
    const result = await rlm.completion(instance.context, question.query);
    return {
      chars: instance.chars,
      score: score(question.expected, result.answer),
      depth: result.depth,
      subCalls: result.subCalls,
      elapsedMs: result.elapsedMs,
      stopReason: result.stopReason,
      serverRequests: backend.server.requests.length,
    };
  } finally {
    await backend.close();
  }
}
