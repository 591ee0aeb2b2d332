/**
 * Connections to the Redis a queued batch runs on (`--queue redis://host:6379/0`). BullMQ takes an
 * ioredis connection; workers and event listeners block on Redis, so `maxRetriesPerRequest` is
 * null as BullMQ requires. Before anything is queued, a PING with a timeout checks that Redis is
 * there, so a wrong URL fails at once with `queue-unreachable` instead of waiting forever.
 */

import { Redis } from "ioredis";
import { RlmError } from "../errors/index.js";

/** The default BullMQ queue name (`--queue-name`). */
export const DEFAULT_QUEUE_NAME = "rlm-batch";

export function checkQueueUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    parsed = new URL("invalid:");
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new RlmError("usage", `--queue takes a Redis URL, not ${JSON.stringify(url)}.`, {
      hint: "Give redis://host:6379/0 (rediss:// for TLS; redis://:password@host:6379/0 with a password).",
    });
  }
}

export function redisConnection(url: string): Redis {
  checkQueueUrl(url);
  const redis = new Redis(url, { maxRetriesPerRequest: null, lazyConnect: true });
  // ioredis reconnects by itself and each command fails with the error; without a listener it
  // would also print "Unhandled error event" for every try.
  redis.on("error", () => undefined);
  return redis;
}

/** Connects and pings within `timeoutMs`; the error names the URL without its password. */
export async function connectRedis(url: string, timeoutMs = 5000): Promise<Redis> {
  const redis = redisConnection(url);
  const shown = url.replace(/\/\/[^@/]*@/, "//***@");
  const failed = (reason: string) =>
    new RlmError("queue-unreachable", `Redis at ${shown} does not answer (${reason}).`, {
      hint: "Start Redis (redis-server) or fix --queue; every machine of the batch must reach it.",
    });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.connect().then(() => redis.ping()),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(failed(`no answer in ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return redis;
  } catch (error) {
    redis.disconnect();
    if (error instanceof RlmError) throw error;
    throw failed(error instanceof Error ? error.message : String(error));
  } finally {
    clearTimeout(timer);
  }
}
