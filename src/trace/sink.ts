/**
 * A TraceSink that sends events to the user's `onEvent` and trajectory lines to a JSONL file,
 * either of them optional.
 */

import { JsonlTrajectoryWriter } from "./jsonl-writer.js";
import type { RlmEvent, TraceSink, TrajectoryLine } from "./types.js";

export interface TraceSinkOptions {
  /** JSONL trajectory path; no file when undefined. */
  path?: string;
  append?: boolean;
  onEvent?: (event: RlmEvent) => void;
}

export function createTraceSink(
  options: TraceSinkOptions,
): TraceSink & { readonly path: string | undefined } {
  const writer = options.path
    ? new JsonlTrajectoryWriter(options.path, { append: options.append })
    : undefined;
  return {
    path: writer?.path,
    event(event: RlmEvent) {
      options.onEvent?.(event);
    },
    line(line: TrajectoryLine) {
      writer?.write(line);
    },
    async close() {
      writer?.close();
    },
  };
}
