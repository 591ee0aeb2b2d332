import type { RlmNode } from "./node.js";

/**
 * Seeds Python's `random` in a node's sandbox when the run is recorded, from the run's seed (and
 * the node's site prefix, so each child draws its own numbers): code that samples chunks draws the
 * same ones in a replay or resume. The call binds no name in the REPL. `sandbox`: the node's own,
 * when the node holds one that is still starting (see session.ts).
 */
export async function seedRandom(node: RlmNode, sandbox = node.sandbox): Promise<void> {
  const { run } = node;
  if (run.record === undefined) return;
  const seed = node.sites.prefix === "" ? String(run.seed) : `${run.seed}:${node.sites.prefix}`;
  await sandbox.exec(`__import__("random").seed(${JSON.stringify(seed)})`, { signal: node.signal });
}
