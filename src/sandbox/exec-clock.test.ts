import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ExecClock } from "./exec-clock.js";

// Fake timers drive the clock, so these check the pause logic, not real speed.
describe("ExecClock", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const expiredYet = async (clock: ExecClock): Promise<boolean> => {
    let fired = false;
    void clock.expired.then(() => {
      fired = true;
    });
    await Promise.resolve();
    await Promise.resolve();
    return fired;
  };

  it("expires after the timeout of running time", async () => {
    const clock = new ExecClock(1_000);
    await vi.advanceTimersByTimeAsync(999);
    expect(await expiredYet(clock)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await expiredYet(clock)).toBe(true);
  });

  it("does not count time while host calls are in flight, even overlapping ones", async () => {
    const clock = new ExecClock(1_000);
    await vi.advanceTimersByTimeAsync(600);
    const first = clock.hostCallStarted();
    const second = clock.hostCallStarted();
    await vi.advanceTimersByTimeAsync(5_000);
    first();
    first();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(await expiredYet(clock)).toBe(false);
    second();
    await vi.advanceTimersByTimeAsync(399);
    expect(await expiredYet(clock)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await expiredYet(clock)).toBe(true);
  });

  it("whileHostCall pauses for the call and passes its value or error through", async () => {
    const clock = new ExecClock(100);
    const slow = clock.whileHostCall(
      () => new Promise<string>((resolve) => setTimeout(() => resolve("late"), 10_000)),
    );
    await vi.advanceTimersByTimeAsync(10_000);
    await expect(slow).resolves.toBe("late");
    expect(await expiredYet(clock)).toBe(false);
    await expect(clock.whileHostCall(() => Promise.reject(new Error("no")))).rejects.toThrow("no");
    await vi.advanceTimersByTimeAsync(100);
    expect(await expiredYet(clock)).toBe(true);
  });

  it("never expires once stopped, even when a late host call ends", async () => {
    const clock = new ExecClock(100);
    const end = clock.hostCallStarted();
    clock.stop();
    end();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await expiredYet(clock)).toBe(false);
  });
});
