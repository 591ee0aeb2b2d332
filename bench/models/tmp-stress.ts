import { createModelPool } from "../../src/models/pool/index.js";
import { startFakeOpenAI } from "../../test/fakes/index.js";
import type { FakeReply } from "../../test/fakes/types.js";

const logs: string[] = [];
(globalThis as any).__log = (line: string) => {
  logs.push(`${Date.now() % 100000} ${line}`);
  if (logs.length > 40) logs.shift();
};
const ask = [{ role: "user" as const, content: "hello" }];
async function serve(replies: (i: number) => FakeReply) {
  let n = 0;
  const server = await startFakeOpenAI(() => replies(n++));
  return { server, spec: `openai-compatible:${server.url}/v1#fake` };
}
const withTimeout = <T>(p: Promise<T>, label: string) =>
  Promise.race([p, new Promise<T>((_, rej) => setTimeout(() => rej(new Error(`HANG ${label}`)), 5000))]);
for (let iteration = 0; iteration < 400; iteration++) {
  const pool = createModelPool({ retryBaseDelayMs: 5 });
  let b: Awaited<ReturnType<typeof serve>> | undefined;
  const a = await serve((i) =>
    i % 2 === 0
      ? { fault: "cut-stream", text: "a long answer that breaks", afterChars: 30 }
      : { text: "whole" },
  );
  try {
    await withTimeout(pool.get(a.spec).chat(ask), "chat");
    b = await serve((i) =>
      i === 0 ? { fault: "cut-stream", text: "never sent", afterChars: 0 } : { text: "streamed fine" },
    );
    await withTimeout(
      (async () => {
        let t = "";
        for await (const c of pool.get(b.spec).stream(ask)) if (c.type === "text-delta") t += c.text;
        return t;
      })(),
      "stream",
    );
    await b.server.close();
  } catch (e) {
    console.log(
      iteration,
      String(e),
      a.server.requests.length,
      a.server.inFlight,
      "b:",
      b?.server.requests.length,
      b?.server.inFlight,
    );
    console.log(logs.join("\n"));
    process.exit(1);
  }
  await a.server.close();
}
console.log("no hang");
