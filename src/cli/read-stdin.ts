/** Reads all of stdin as bytes (decoding is the inputs module's job: it detects binaries and BOMs). */
export async function readStdin(): Promise<Uint8Array> {
  const parts: Buffer[] = [];
  for await (const part of process.stdin)
    parts.push(typeof part === "string" ? Buffer.from(part) : (part as Buffer));
  return Buffer.concat(parts);
}
