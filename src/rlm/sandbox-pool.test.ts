/**
 * The sandbox pool's behaviour, with stand-in sandboxes whose start the test controls: each is
 * handed out once, the pool refills behind a take up to its size, `close` closes every sandbox not
 * handed out (those still starting too) and none that was, and a failed start is not retried in a
 * loop. Then real child RLMs (process sandbox) taking their sandboxes from a pool.
 */

import { describe, expect, it } from "vitest";
import { code, lastStdout, scripted } from "../../test/policies/conversation.js";
import { testModels } from "../../test/policies/harness.js";
import type { Sandbox } from "../sandbox/types.js";
import { RLM } from "./index.js";
import { SandboxPool } from "./sandbox-pool.js";

interface Stand {
  id: number;
  closed: boolean;
}

/** A pool over stand-ins; `release()` lets the starts under way finish, `fail` makes them fail. */
function standPool(size: number, startingAtOnce = 2) {
  const made: Stand[] = [];
  const waiting: { resolve: () => void; reject: (error: Error) => void }[] = [];
  const pool = new SandboxPool({
    size,
    startingAtOnce,
    start: () =>
      new Promise<Sandbox>((resolve, reject) => {
        const stand: Stand = { id: made.length, closed: false };
        made.push(stand);
        const sandbox = {
          stand,
          close: async () => {
            stand.closed = true;
          },
        } as unknown as Sandbox;
        waiting.push({ resolve: () => resolve(sandbox), reject });
      }),
  });
  const settle = async (how: "release" | "fail") => {
    for (const start of waiting.splice(0)) {
      if (how === "release") start.resolve();
      else start.reject(new Error("no python"));
    }
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return { pool, made, release: () => settle("release"), fail: () => settle("fail") };
}

async function standOf(pooled: { started: Promise<Sandbox> } | undefined): Promise<Stand> {
  if (pooled === undefined) throw new Error("the pool handed out nothing");
  return ((await pooled.started) as unknown as { stand: Stand }).stand;
}

describe("SandboxPool", () => {
  it("fills up to its size, at most startingAtOnce at a time", async () => {
    const { pool, made, release } = standPool(3, 2);
    pool.fill();
    expect(made).toHaveLength(2);
    await release();
    expect(made).toHaveLength(3);
    await release();
    expect(pool.stats).toMatchObject({ started: 3, waiting: 3, ready: 3 });
    await pool.close();
  });

  it("hands each sandbox out once, and refills behind every take", async () => {
    const { pool, made, release } = startedPool(2);
    await pool.filled();
    const taken: Stand[] = [];
    for (let round = 0; round < 5; round++) {
      const pooled = pool.take();
      expect(pooled?.seat.node).toBeUndefined();
      taken.push(await standOf(pooled));
      await release();
    }
    expect(new Set(taken.map((stand) => stand.id)).size).toBe(5);
    expect(pool.stats).toMatchObject({ handedOut: 5, waiting: 2 });
    expect(made).toHaveLength(7);
    await pool.close();

    function startedPool(size: number) {
      const stands = standPool(size);
      const filled = async () => {
        stands.pool.fill();
        await stands.release();
        await stands.release();
      };
      return { ...stands, pool: Object.assign(stands.pool, { filled }) };
    }
  });

  it("hands out a sandbox still starting when none is ready, and nothing from an empty pool", async () => {
    const { pool, release } = standPool(1, 1);
    expect(pool.take()).toBeUndefined();
    const starting = pool.take();
    expect(starting).toBeDefined();
    await release();
    expect((await standOf(starting)).closed).toBe(false);
    const closing = pool.close();
    await release();
    await closing;
  });

  it("closes every sandbox not handed out, those still starting too, and none that was", async () => {
    const { pool, made, release } = standPool(3, 3);
    pool.fill();
    await release();
    const taken = await standOf(pool.take());
    const closing = pool.close();
    await release();
    await closing;
    expect(made.filter((stand) => stand.closed).map((stand) => stand.id)).toEqual(
      made.filter((stand) => stand !== taken).map((stand) => stand.id),
    );
    expect(taken.closed).toBe(false);
    expect(pool.take()).toBeUndefined();
    pool.fill();
    expect(made).toHaveLength(4);
  });

  it("drops a failed start and tries again only at the next take", async () => {
    const { pool, made, fail, release } = standPool(2, 2);
    pool.fill();
    await fail();
    expect(made).toHaveLength(2);
    expect(pool.stats.waiting).toBe(0);
    expect(pool.take()).toBeUndefined();
    expect(made).toHaveLength(4);
    const closing = pool.close();
    await release();
    await closing;
  });
});

describe("child RLMs and the pool", () => {
  it("children take their sandboxes from a shared pool, one each", async () => {
    const models = await testModels({
      root: scripted([
        () => code('r = rlm_query_batched(["a: " + context, "b: " + context])\nprint(r)'),
        (request) => `FINAL(${lastStdout(request)})`,
      ]),
      // Children print the start of their own prompt, their context: each saw its own.
      child: scripted([() => code("print(context[:1])"), (request) => `FINAL(${lastStdout(request)})`]),
    });
    const sandbox = { runtime: "process" as const };
    const pool = RLM.createSandboxPool({ sandbox }, 3);
    pool.fill();
    const rlm = new RLM({
      model: models.spec("root"),
      subModel: models.spec("sub"),
      depthModels: [models.spec("root"), models.spec("child")],
      maxDepth: 2,
      sandbox,
      sandboxPool: pool,
    });
    try {
      const result = await rlm.completion("xyz", "go");
      expect(result.answer).toContain("a");
      expect(result.answer).toContain("b");
      // The root and its two children: three sandboxes handed out, each once.
      expect(pool.stats.handedOut).toBe(3);
    } finally {
      await rlm.close();
      await pool.close();
      await models.close();
    }
  });
});
