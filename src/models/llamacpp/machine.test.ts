import { describe, expect, it } from "vitest";
import { coresInCpuinfo, physicalCores } from "./machine.js";

/** Threads default to physical cores: hyper-threads counted twice make generation slower. */
describe("physical cores", () => {
  const block = (processor: number, socket: number, core: number) =>
    `processor\t: ${processor}\nphysical id\t: ${socket}\ncore id\t\t: ${core}\nflags\t\t: fpu vme\n`;

  it("counts distinct (socket, core) pairs, not logical CPUs", () => {
    // Two sockets of two cores, each core with two hyper-threads: 8 logical CPUs, 4 cores.
    const blocks = [];
    let processor = 0;
    for (const socket of [0, 1])
      for (const core of [0, 1])
        for (let thread = 0; thread < 2; thread++) blocks.push(block(processor++, socket, core));
    expect(coresInCpuinfo(blocks.join("\n"))).toBe(4);
  });

  it("says 0 when cpuinfo names no cores (some VMs and ARM boards), so the caller falls back", () => {
    expect(coresInCpuinfo("processor\t: 0\nBogoMIPS\t: 48.00\n\nprocessor\t: 1\nBogoMIPS\t: 48.00\n")).toBe(
      0,
    );
  });

  it("on this machine: at least 1, and no more than the CPUs this process may use", async () => {
    const { availableParallelism } = await import("node:os");
    expect(physicalCores()).toBeGreaterThanOrEqual(1);
    expect(physicalCores()).toBeLessThanOrEqual(availableParallelism());
  });
});
