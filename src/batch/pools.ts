/**
 * The batch's one model pool: every task's run gets a view of it (`forRun`), so `--concurrency`
 * holds across all tasks at once while each task's budget counts only its own usage (the server
 * shares its pool across requests the same way).
 */

import { createSharedModelPool, type SharedModelPool } from "../models/pool/index.js";
import type { RLMOptions } from "../rlm/types.js";

export function batchPool(rlm: RLMOptions): SharedModelPool {
  return createSharedModelPool({
    ...rlm.pool,
    ...(rlm.concurrency !== undefined ? { concurrency: rlm.concurrency } : {}),
  });
}
