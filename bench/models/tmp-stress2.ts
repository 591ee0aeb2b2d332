import { createModel } from "../../src/models/create-model.js";
import { startFakeOpenAI } from "../../test/fakes/index.js";

const ask = [{ role: "user" as const, content: "hello" }];
const withTimeout = <T>(p: Promise<T>, label: string) =>
  Promise.race([p, new Promise<T>((_, rej) => setTimeout(() => rej(new Error(`HANG ${label}`)), 5000))]);
for (let iteration = 0; iteration < 300; iteration++) {
  const server = await startFakeOpenAI(() => ({
    fault: "cut-stream",
    text: "a long answer that breaks",
    afterChars: iteration % 2 ? 30 : 0,
  }));
  const model = createModel(`openai-compatible:${server.url}/v1#fake`);
  try {
    const e = await withTimeout(
      model.chat(ask).then(
        () => "ok",
        (x: unknown) => String(x),
      ),
      "chat",
    );
    const e2 = await withTimeout(
      (async () => {
        for await (const _c of model.stream(ask)) {
        }
      })().then(
        () => "ok",
        (x: unknown) => String(x),
      ),
      "stream",
    );
    if (iteration === 0) console.log(e.slice(0, 80), e2.slice(0, 80));
  } catch (e) {
    console.log(iteration, String(e), server.requests.length, server.inFlight);
    process.exit(1);
  }
  await server.close();
}
console.log("no hang");
