/**
 * One shared test suite that every sandbox runtime runs (STYLE.md item 6, Hono's common.case.test.ts),
 * so no runtime can silently lack a part of the model's contract another one has. A runtime may skip
 * a feature only by naming it with the reason, which shows in the test output.
 */

import { describe } from "vitest";
import { describeContract } from "./common-contract.case.js";
import { describeLazyContext } from "./common-lazy.case.js";
import { describeLimits } from "./common-limits.case.js";
import { describeQueries } from "./common-queries.case.js";
import type { Sandbox, SandboxOptions } from "./types.js";

/** Behaviours a runtime may be unable to provide; a skip names one and says why. */
export type SandboxFeature =
  /** `time.sleep(...)` is interrupted with the variables kept (WebAssembly cannot wake a sleep). */
  | "interrupt-sleep"
  /** `os._exit()` ends the Python worker, which is reported and restarted. */
  | "crash-on-exit"
  /** `memoryMb` turns a huge allocation into a MemoryError. */
  | "memory-cap"
  /** `input()` returns at once (EOF) instead of waiting on the host's stdin. */
  | "stdin-closed"
  /** A `ContextFile` loads as a lazy context that Python reads as it goes. */
  | "lazy-context";

export interface SandboxUnderTest {
  /** Shown in the suite's title, e.g. "process (python3)". */
  name: string;
  /** Creates a sandbox of this runtime; the suite passes the options each case needs. */
  create(options: SandboxOptions): Promise<Sandbox>;
  /** Features this runtime cannot provide, each with the reason. */
  skip?: Partial<Record<SandboxFeature, string>>;
}

export function runSandboxSuite(runtime: SandboxUnderTest): void {
  describe(`${runtime.name}: shared sandbox suite`, () => {
    describeContract(runtime);
    describeQueries(runtime);
    describeLimits(runtime);
    describeLazyContext(runtime);
  });
}
