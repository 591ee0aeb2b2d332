import { Writable } from "node:stream";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { type AskToolOptions, registerAskTool } from "./ask-tool.js";

/**
 * `rlm mcp`'s server: the official SDK's `McpServer` with the `rlm_ask` tool, over stdio. Stdout
 * carries the protocol and nothing else: everything else that writes to it (a library's
 * `console.log`) is moved to stderr before the server starts. The server runs until stdin closes
 * (or SIGINT/SIGTERM); then every running call is aborted, and it returns once they have stopped.
 */

export interface RlmMcpServerOptions extends AskToolOptions {
  /** The server's version, as `initialize` reports it. */
  version: string;
}

const INSTRUCTIONS =
  "rlm answers questions over long documents (files, directories, globs, or pasted text) with a Recursive Language Model. " +
  "Call rlm_ask with the question and the paths or text; it may take minutes and reports progress.";

/** The most array elements and object members one call's arguments may hold (a list of paths). */
const MAX_ARGUMENT_ELEMENTS = 10_000;

export function createRlmMcpServer(options: RlmMcpServerOptions): {
  server: McpServer;
  running: Set<Promise<unknown>>;
} {
  const server = new McpServer(
    { name: "rlm", title: "rlm (Recursive Language Models)", version: options.version },
    { instructions: INSTRUCTIONS, maxToolInputElements: MAX_ARGUMENT_ELEMENTS },
  );
  const { running } = registerAskTool(server, options);
  return { server, running };
}

/**
 * Takes stdout for the protocol: returns a stream that writes to the real stdout, and sends every
 * other `process.stdout.write` (and so `console.log`) to stderr.
 */
export function takeStdout(): Writable {
  const stdout = process.stdout;
  const write = stdout.write.bind(stdout) as (
    chunk: unknown,
    encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ) => boolean;
  stdout.write = ((...args: Parameters<typeof process.stderr.write>) =>
    process.stderr.write(...args)) as typeof stdout.write;
  return new Writable({
    write(chunk, encoding, callback) {
      write(chunk, encoding, callback);
    },
  });
}

/** How long stopped calls may take to wind down (Python ended, requests closed) at shutdown. */
const SHUTDOWN_GRACE_MS = 10_000;

export async function serveStdio(options: RlmMcpServerOptions): Promise<void> {
  const protocol = takeStdout();
  const { server, running } = createRlmMcpServer(options);
  let stop = (_why: string): void => undefined;
  const stopped = new Promise<string>((resolve) => {
    stop = resolve;
  });
  const onEnd = (): void => stop("stdin closed");
  const onSignal = (signal: NodeJS.Signals): void => stop(signal);
  // A client gone mid-write (EPIPE) ends the session rather than the process with an unhandled error.
  const onError = (error: Error): void => stop(`stdout: ${error.message}`);
  process.stdin.once("end", onEnd);
  process.stdin.once("close", onEnd);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  protocol.on("error", onError);
  process.stdout.on("error", onError);
  await server.connect(new StdioServerTransport(process.stdin, protocol));
  options.log(`ready on stdio (root ${options.root.path}; working directory ${options.cwd})`);
  const why = await stopped;
  options.log(`stopping: ${why}`);
  // Closing aborts every running call's signal; each run then stops its model calls and Python.
  await server.close();
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.allSettled([...running]),
    new Promise((resolve) => {
      timer = setTimeout(resolve, SHUTDOWN_GRACE_MS);
    }),
  ]);
  clearTimeout(timer);
  process.stdin.off("end", onEnd);
  process.stdin.off("close", onEnd);
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
}
