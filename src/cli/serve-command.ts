import { type Command, InvalidArgumentError } from "commander";
import { resolveConfig } from "../config/index.js";
import { checkBindPolicy, createRlmServer } from "../server/index.js";
import { port, positiveInteger } from "./parse-options.js";
import { preflight } from "./preflight.js";
import { rlmOptionsFrom } from "./rlm-options.js";
import { addRunOptions, type SharedOptionValues, toConfigFlags } from "./shared-options.js";

/**
 * `rlm serve`: the OpenAI-compatible server. Clients ask for the model `rlm` (or the root spec
 * itself); each request runs its own RLM with the configured sub-model, limits and sandbox. A
 * server reachable from other machines must have an API key (`--insecure-no-key` overrides).
 */

interface ServeOptionValues extends SharedOptionValues {
  host?: string;
  port?: number;
  apiKey?: string;
  traceDir?: string;
  maxBodyMb?: number;
  check?: boolean;
  insecureNoKey?: boolean;
  maxConcurrentRuns?: number;
  maxQueuedRuns?: number;
  sandboxPool?: number;
  queue?: string;
  queueName?: string;
}

/** A queue bound may be 0 (no waiting: busy means 503), unlike the other counts. */
function wholeNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0)
    throw new InvalidArgumentError("Expected a whole number, 0 or more.");
  return parsed;
}

export function addServeCommand(program: Command): void {
  const command = program
    .command("serve")
    .description(
      "serve an OpenAI-compatible API (/v1/chat/completions; Ollama's /api/chat too) answered by RLMs",
    )
    .option("--host <host>", "address to listen on (default 127.0.0.1; 0.0.0.0 in Docker)")
    .option("-p, --port <port>", "port (default 8080)", port)
    .option("--api-key <key>", "require `Authorization: Bearer <key>` (env RLM_SERVER_API_KEY)")
    .option("--trace-dir <dir>", "write each request's trajectory to <dir>/<id>.jsonl")
    .option("--max-body-mb <n>", "largest request body in MB (default 256)", positiveInteger)
    .option(
      "--insecure-no-key",
      "allow listening on a non-loopback address without --api-key (anyone who can reach it can use it)",
    )
    .option("--max-concurrent-runs <n>", "runs at once; later requests wait (default 8)", positiveInteger)
    .option("--max-queued-runs <n>", "requests waiting for a run; beyond, 503 (default 32)", wholeNumber)
    .option(
      "--sandbox-pool <n>",
      "sandboxes started ahead, each used by one request only (default: --max-concurrent-runs; 0 with pyodide; 0 for none)",
      wholeNumber,
    )
    .option(
      "--queue <url>",
      "hand each run to the `rlm worker`s of this Redis (redis://host:6379/0) instead of running it here",
    )
    .option("--queue-name <name>", "BullMQ queue name for --queue (default rlm-batch)")
    .option("--no-check", "skip checking the backends at start");
  addRunOptions(command).action(async (values: ServeOptionValues) => {
    const config = await resolveConfig({
      ...toConfigFlags(values),
      host: values.host,
      port: values.port,
      apiKey: values.apiKey,
    });
    // Before the backend check, which can take a while: a refused start should say so at once.
    checkBindPolicy(config.server.host, {
      apiKey: config.server.apiKey,
      insecureNoKey: values.insecureNoKey,
    });
    // With --queue the workers' backends answer, not this machine's.
    if (values.check !== false && values.queue === undefined) {
      // A server should start even when its backend is down (it may come up later): warn only.
      await preflight(config).catch((error: Error & { describe?: () => string }) => {
        process.stderr.write(`warning: ${error.describe ? error.describe() : error.message}\n`);
      });
    }
    const { model: _root, ...shared } = rlmOptionsFrom(config);
    const { RLM } = await import("../rlm/index.js");
    // With --queue, the workers run the requests (their models, limits and sandbox).
    const queued =
      values.queue === undefined
        ? undefined
        : await import("../batch/index.js").then(({ DEFAULT_QUEUE_NAME, checkQueueUrl, queuedEngines }) => {
            checkQueueUrl(values.queue as string);
            return queuedEngines(values.queue as string, values.queueName ?? DEFAULT_QUEUE_NAME);
          });
    const server = createRlmServer({
      models: { rlm: config.model, [config.model]: config.model },
      rlm: shared,
      createEngine: (options) =>
        queued ? queued.engine({ instructions: options.instructions }) : new RLM(options),
      apiKey: config.server.apiKey,
      ...(values.insecureNoKey ? { insecureNoKey: true } : {}),
      ...(values.maxConcurrentRuns !== undefined ? { maxConcurrentRuns: values.maxConcurrentRuns } : {}),
      ...(values.maxQueuedRuns !== undefined ? { maxQueuedRuns: values.maxQueuedRuns } : {}),
      // With --queue the workers run Python: no sandbox is started here.
      ...(queued
        ? { sandboxPool: 0 }
        : values.sandboxPool !== undefined
          ? { sandboxPool: values.sandboxPool }
          : {}),
      ...(values.maxBodyMb ? { maxBodyBytes: values.maxBodyMb * 1024 * 1024 } : {}),
      ...(values.traceDir ? { traceDirectory: values.traceDir } : {}),
      onRequestEnd: (log) => {
        const outcome = log.error
          ? `error ${log.status}: ${log.error.split("\n")[0]}`
          : (log.stopReason ?? "");
        process.stderr.write(
          `${new Date().toISOString()} ${log.stream ? "stream" : "plain"} ${log.model || "-"} ${outcome} ${Math.round(log.elapsedMs)}ms\n`,
        );
      },
    });
    const url = await server.listen(config.server.port, config.server.host);
    process.stderr.write(
      queued
        ? `rlm serve: listening on ${url}/v1 (runs go to the rlm workers of queue ${values.queueName ?? "rlm-batch"}${config.server.apiKey ? ", bearer key required" : ""})\n`
        : `rlm serve: listening on ${url}/v1 (model "rlm" = ${config.model}, sub-model ${config.subModel}${config.server.apiKey ? ", bearer key required" : ""})\n`,
    );
    const stop = (): void => {
      process.stderr.write("rlm serve: stopping\n");
      void server
        .close()
        .then(() => queued?.close())
        .then(() => process.exit(0));
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}
