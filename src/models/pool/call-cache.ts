import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { ChatResult } from "../types.js";

const usageSchema = z.object({ promptTokens: z.number(), completionTokens: z.number() });
const entrySchema = z.object({
  version: z.literal(1),
  spec: z.string(),
  result: z.object({
    text: z.string(),
    reasoning: z.string().optional(),
    usage: usageSchema,
    finishReason: z.enum(["stop", "length", "content-filter", "error", "other"]),
    warnings: z.array(z.string()).optional(),
  }),
});

/**
 * Where the cache layer (`with-cache.ts`) keeps replies: the on-disk `CallCache` below, or another
 * store (the batch workers keep one in Redis per task). A read that fails is a miss; a write that
 * fails only costs the entry.
 */
export interface ReplyStore {
  /** Where the replies are kept, for messages (a directory, a Redis key prefix). */
  readonly location: string;
  read(key: string): Promise<ChatResult | undefined>;
  write(key: string, spec: string, result: ChatResult): Promise<void>;
}

/**
 * The on-disk call cache: one JSON file per call under `dir/ab/abcd...json`. Writes go to a
 * temporary file that is then renamed over the final name, so a crash mid-write never leaves a
 * half-written entry; an unreadable entry (hand-edited, from another version) counts as a miss.
 */
export class CallCache implements ReplyStore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  get location(): string {
    return this.dir;
  }

  private path(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  async read(key: string): Promise<ChatResult | undefined> {
    let text: string;
    try {
      text = await readFile(this.path(key), "utf8");
    } catch {
      return undefined;
    }
    try {
      const parsed = entrySchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data.result : undefined;
    } catch {
      return undefined;
    }
  }

  async write(key: string, spec: string, result: ChatResult): Promise<void> {
    const path = this.path(key);
    const temporary = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
    const { warnings: _warnings, ...kept } = result;
    try {
      await mkdir(join(this.dir, key.slice(0, 2)), { recursive: true });
      await writeFile(temporary, JSON.stringify({ version: 1, spec, result: kept }), "utf8");
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }
}
