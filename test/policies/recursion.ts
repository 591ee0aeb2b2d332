/**
 * A root policy for recursion tests, usable at every depth: it probes its context, then hands the
 * reading to `rlm_query` (chunked and batched when the context is long, whole when it is short),
 * and submits what came back. At the depth limit `rlm_query` is a plain call to the sub-model.
 */

import type { FakePolicy } from "../fakes/types.js";
import { code, lastStdout, scripted } from "./conversation.js";

const RELAY = `if len(context) > 8000:
    size = 6000
    parts = [context[i:i + size] for i in range(0, len(context), size)]
    replies = rlm_query_batched(["Where was something hidden? Answer with the place only, or NONE.\\n\\n" + part for part in parts])
else:
    replies = [rlm_query(context)]
found = [reply.strip() for reply in replies if "NONE" not in reply and not reply.startswith("[error]")]
print(found)`;

export const relayRoot: FakePolicy = scripted([
  () => code("print(len(context))\nprint(context[:100])"),
  () => code(RELAY),
  (request) => {
    const match = /\[['"]([^'"]+)['"]/.exec(lastStdout(request));
    return `FINAL(${match ? match[1] : "NONE"})`;
  },
]);
