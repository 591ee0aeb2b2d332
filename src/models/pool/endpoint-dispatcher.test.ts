import { describe, expect, it } from "vitest";
import { createModel } from "../create-model.js";
import { EndpointDispatcher, type PoolEndpoint } from "./endpoint-dispatcher.js";
import { EndpointState } from "./endpoint-state.js";

// The dispatcher never calls the model; a real backend object that is never used stands in.
const model = createModel("openai-compatible:http://127.0.0.1:9/v1#unused");

function endpoint(key: string, concurrency = 2): PoolEndpoint {
  return { state: new EndpointState(key, concurrency), model };
}

describe("endpoint dispatcher", () => {
  it("routes to the endpoint with the fewest calls and queues when all slots are taken", async () => {
    const [first, second] = [endpoint("a", 1), endpoint("b", 1)];
    const dispatcher = new EndpointDispatcher([first, second]);
    expect(await dispatcher.acquire(undefined)).toBe(first);
    expect(await dispatcher.acquire(undefined)).toBe(second);
    const queued = dispatcher.acquire(undefined);
    second.state.end();
    expect(await queued).toBe(second);
  });

  it("does not strand a waiter when the endpoint cools down between two clock readings", async () => {
    const out = endpoint("a");
    out.state.failed(5, 1_000);
    // First reading: still out. Every later reading: cooled down. No state change will ever notify.
    let readings = 0;
    const dispatcher = new EndpointDispatcher([out], () => (readings++ === 0 ? 1_000 : 1_010));
    expect(await dispatcher.acquire(undefined)).toBe(out);
  });

  it("wakes waiters when the first endpoint has cooled down, and lets one probe through", async () => {
    const out = endpoint("a");
    out.state.failed(30);
    const dispatcher = new EndpointDispatcher([out]);
    const first = dispatcher.acquire(undefined);
    const second = dispatcher.acquire(undefined);
    expect(await first).toBe(out);
    let secondDone = false;
    void second.then(() => {
      secondDone = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(secondDone).toBe(false);
    out.state.succeeded();
    expect(await second).toBe(out);
  });

  it("rejects a waiting call with the caller's reason on abort", async () => {
    const busy = endpoint("a", 1);
    const dispatcher = new EndpointDispatcher([busy]);
    await dispatcher.acquire(undefined);
    const controller = new AbortController();
    const waiting = dispatcher.acquire(controller.signal);
    controller.abort("stop");
    await expect(waiting).rejects.toBe("stop");
    busy.state.end();
    expect(await dispatcher.acquire(undefined)).toBe(busy);
  });
});
