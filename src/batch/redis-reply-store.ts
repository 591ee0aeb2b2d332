/**
 * A task's model replies kept in Redis (a `ReplyStore` for the pool's cache layer), so a task that
 * runs again on another worker (its worker died, its job stalled) gets every reply already paid for
 * from Redis instead of the backend: the same root turn, then the same code, then the same
 * sub-call prompts. Keys are per job (`rlm:replies:<job id>:<call key>`) and expire after a week;
 * a read or write that fails is a miss, never a failed call. The collector deletes a task's keys
 * once its answer is written (a failed task keeps them for `--retry-failed`).
 */

import type { Redis } from "ioredis";
import type { ReplyStore } from "../models/pool/index.js";
import type { ChatResult } from "../models/types.js";

/** How long a task's replies stay in Redis. */
export const REPLY_TTL_SECONDS = 7 * 24 * 3600;

/** The keys of one job's replies start with this. */
export function replyKeyPrefix(jobId: string): string {
  return `rlm:replies:${jobId}:`;
}

export class RedisReplyStore implements ReplyStore {
  readonly location: string;
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(redis: Redis, jobId: string) {
    this.redis = redis;
    this.prefix = replyKeyPrefix(jobId);
    this.location = `redis ${this.prefix}*`;
  }

  async read(key: string): Promise<ChatResult | undefined> {
    try {
      const text = await this.redis.get(this.prefix + key);
      if (text === null) return undefined;
      const entry = JSON.parse(text) as { version?: number; result?: ChatResult };
      return entry.version === 1 && typeof entry.result?.text === "string" ? entry.result : undefined;
    } catch {
      return undefined;
    }
  }

  async write(key: string, spec: string, result: ChatResult): Promise<void> {
    const { warnings: _warnings, ...kept } = result;
    await this.redis.set(
      this.prefix + key,
      JSON.stringify({ version: 1, spec, result: kept }),
      "EX",
      REPLY_TTL_SECONDS,
    );
  }
}
