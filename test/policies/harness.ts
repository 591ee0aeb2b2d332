/**
 * Test set-up for RLM runs against fake servers: one fake OpenAI-compatible server on 127.0.0.1
 * plays every model (root, sub, child) by model name, and a temp folder receives trajectories.
 */

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { closeAfterTest } from "../fakes/close-after-test.js";
import { startFakeOpenAI } from "../fakes/index.js";
import type { FakePolicy, FakeServer } from "../fakes/types.js";
import { byModel } from "./conversation.js";

export interface FakeModels {
  server: FakeServer;
  /** The model spec that reaches `name` on the fake server. */
  spec: (name: string) => string;
  close: () => Promise<void>;
}

/** `contextLength` is the window every model reports (and enforces). Default 8192. */
export async function fakeModels(
  policies: Record<string, FakePolicy>,
  contextLength = 8192,
): Promise<FakeModels> {
  const server = await startFakeOpenAI(byModel(policies), { contextLength });
  return {
    server,
    spec: (name) => `openai-compatible:${server.url}/v1#${name}`,
    close: () => server.close(),
  };
}

/** `fakeModels` inside a test: the server is closed when that test finishes, passed or failed. */
export async function testModels(
  policies: Record<string, FakePolicy>,
  contextLength?: number,
): Promise<FakeModels> {
  const models = await fakeModels(policies, contextLength);
  closeAfterTest(models.server);
  return models;
}

export function traceFile(name: string): string {
  return join(mkdtempSync(join(tmpdir(), "rlm-test-")), `${name}.jsonl`);
}

/** The prompt text of every request a model received, joined. */
export function promptsSeenBy(server: FakeServer, model: string): string {
  return server.requests
    .filter((request) => request.model === model)
    .map((request) => request.messages.map((message) => message.content).join("\n"))
    .join("\n");
}
