import { fstatSync } from "node:fs";
import { type BoundedBytes, readStreamBounded } from "../inputs/index.js";

/**
 * Reads stdin as bytes, never more than the input limit (decoding is the inputs module's job: it
 * detects binaries and BOMs). A regular file redirected in (`< big.txt`) is refused from its size
 * before reading; a pipe, a FIFO or a device (`< /dev/zero`) is read with a running count and
 * abandoned past the limit, so an endless stream ends in an error instead of filling memory.
 */
export async function readStdin(limitBytes: number): Promise<BoundedBytes> {
  const size = regularFileSize(0);
  if (size !== undefined && size > limitBytes) return { complete: false, bytes: size, exact: true };
  return await readStreamBounded(process.stdin, limitBytes);
}

function regularFileSize(descriptor: number): number | undefined {
  try {
    const stats = fstatSync(descriptor);
    return stats.isFile() ? stats.size : undefined;
  } catch {
    // No stdin at all (closed descriptor): the stream read below reports it as empty.
    return undefined;
  }
}
