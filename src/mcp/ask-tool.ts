import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { ServerNotification, ServerRequest } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { RlmError } from "../errors/index.js";
import { readInputs } from "../inputs/index.js";
import { emptyInputError, inputTooLargeError } from "../inputs/input-errors.js";
import { RunError } from "../rlm/run-error.js";
import type { CompletionResult, ContextInput, RLMOptions } from "../rlm/types.js";
import { type AllowedRoot, clientRoots, PathGuard } from "./path-guard.js";
import { ProgressReporter } from "./progress.js";
import { answerResult, asRlmError, errorResult, failedRunError, type ToolResult } from "./summary.js";

/**
 * The `rlm_ask` tool: reads `paths` (as `rlm ask` does, inside the allowed folders only) and/or
 * takes `text`, runs one RLM completion over them, and returns the answer with a usage summary.
 * Progress goes to the client when it sent a progress token; its cancel notification aborts the run.
 */

/** What runs a completion: `new RLM(options)` in the command, a stand-in in tests. */
export interface CompletionEngine {
  completion(
    context: ContextInput,
    query: string,
    options?: { signal?: AbortSignal },
  ): Promise<CompletionResult>;
}

export interface AskToolOptions {
  /** The RLM options of every run (models, limits, sandbox); `onEvent` is the tool's. */
  rlm: RLMOptions;
  createEngine: (options: RLMOptions) => CompletionEngine;
  /** Relative paths start here (the server's working directory). */
  cwd: string;
  /** The server's root: no path outside it is read. */
  root: AllowedRoot;
  /** The limit on one call's inputs together (paths and text), in bytes. */
  maxInputBytes: number;
  /** A line for the server's log (stderr). */
  log: (line: string) => void;
  /** Least time between two progress notifications of one call. Default 500 ms. */
  progressIntervalMs?: number;
}

/** The key `text` gets when it is read together with files. */
export const TEXT_KEY = "<text>";

const inputShape = {
  question: z.string().describe("The question to answer over the inputs."),
  paths: z
    .array(z.string())
    .optional()
    .describe(
      "Files, directories or globs ('docs/**/*.md') to read: text, Markdown, JSON, CSV, source code, PDF. Directories honour .gitignore.",
    ),
  text: z.string().optional().describe("Text to read (a document pasted in), instead of or besides files."),
};

type AskArguments = { question: string; paths?: string[] | undefined; text?: string | undefined };

function description(options: AskToolOptions): string {
  return [
    "Answer a question over documents far longer than a model's context window, with a Recursive Language Model:",
    "a model writes Python over the documents in a sandbox and delegates pieces to sub-models.",
    "Give `paths` (files, directories, globs), `text`, or both.",
    `Relative paths start from ${options.cwd}; only paths inside ${options.root.path}`,
    "(and inside the client's roots, when it has any) are read.",
    "Returns the answer and a usage summary (turns, sub-calls, tokens per model, time).",
  ].join(" ");
}

export function registerAskTool(
  server: McpServer,
  options: AskToolOptions,
): { running: Set<Promise<unknown>> } {
  const running = new Set<Promise<unknown>>();
  server.registerTool(
    "rlm_ask",
    {
      title: "Ask a Recursive Language Model",
      description: description(options),
      inputSchema: inputShape,
      annotations: { readOnlyHint: true },
    },
    async (args, extra) => {
      const call = ask(server, options, args, extra);
      running.add(call);
      try {
        return await call;
      } finally {
        running.delete(call);
      }
    },
  );
  return { running };
}

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

async function ask(
  server: McpServer,
  options: AskToolOptions,
  args: AskArguments,
  extra: Extra,
): Promise<ToolResult> {
  const started = performance.now();
  const { question, paths = [], text } = args;
  try {
    if (question.trim() === "") {
      throw new RlmError("usage", "The question is empty.", { hint: "Ask something about the inputs." });
    }
    if (paths.length === 0 && text === undefined) {
      throw new RlmError("input-missing", "Nothing to read: give `paths`, `text`, or both.", {
        hint: 'Example: { "question": "What changed?", "paths": ["CHANGELOG.md"] }',
      });
    }
    const context = await readContext(server, options, paths, text, extra.signal);
    const result = await run(options, context, question, extra);
    if (result.stopReason === "aborted") {
      options.log(`rlm_ask cancelled after ${result.iterations} turns (${seconds(started)})`);
      return errorResult(new RlmError("aborted", "The call was cancelled."));
    }
    const failure = failedRunError(result);
    options.log(
      `rlm_ask ${failure ? `failed (${failure.code})` : result.stopReason}: ${result.iterations} turns, ${result.subCalls} sub-calls (${seconds(started)})`,
    );
    return failure ? errorResult(failure) : answerResult(result);
  } catch (error) {
    const failure = asRlmError(error);
    const detail =
      failure.code === "internal-error" && error instanceof Error
        ? `\n${error.stack}`
        : `: ${failure.message}`;
    options.log(`rlm_ask refused or failed (${failure.code})${detail}`);
    return errorResult(failure);
  }
}

function seconds(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)}s`;
}

async function run(
  options: AskToolOptions,
  context: ContextInput,
  question: string,
  extra: Extra,
): Promise<CompletionResult> {
  const token = extra._meta?.progressToken;
  const reporter =
    token === undefined
      ? undefined
      : new ProgressReporter((update) => {
          extra
            .sendNotification({
              method: "notifications/progress",
              params: { progressToken: token, progress: update.progress, message: update.message },
            })
            .catch((error: Error) => options.log(`progress notification failed: ${error.message}`));
        }, options.progressIntervalMs);
  const engine = options.createEngine({ ...options.rlm, onEvent: (event) => reporter?.onEvent(event) });
  try {
    return await engine.completion(context, question, { signal: extra.signal });
  } catch (error) {
    // A failed run rejects with what it did; answered as any failed run is.
    if (error instanceof RunError) return error.result;
    throw error;
  } finally {
    reporter?.stop();
  }
}

/** The guard for this call: the server's root, narrowed by the client's roots when it has them. */
async function pathGuard(
  server: McpServer,
  options: AskToolOptions,
  signal: AbortSignal,
): Promise<PathGuard> {
  if (!server.server.getClientCapabilities()?.roots) return new PathGuard({ root: options.root });
  let uris: string[];
  try {
    const listed = await server.server.listRoots(undefined, { signal, timeout: 30_000 });
    uris = listed.roots.map((root) => root.uri);
  } catch (error) {
    // The client said it has roots: without them, nothing can be checked, so nothing is read.
    throw new RlmError(
      "input-outside-root",
      `The client declares MCP roots but did not list them (${error instanceof Error ? error.message : String(error)}), so no path can be read.`,
      { hint: "Pass the text itself, or retry once the client lists its roots." },
    );
  }
  const { roots, ignored } = await clientRoots(uris);
  for (const each of ignored) options.log(`client root ${each.uri} ignored: ${each.reason}`);
  return new PathGuard({ root: options.root, clientRoots: roots });
}

async function readContext(
  server: McpServer,
  options: AskToolOptions,
  paths: string[],
  text: string | undefined,
  signal: AbortSignal,
): Promise<ContextInput> {
  const textBytes = text === undefined ? 0 : Buffer.byteLength(text, "utf8");
  if (textBytes > options.maxInputBytes) {
    throw inputTooLargeError({
      name: "text",
      bytes: textBytes,
      exact: true,
      usedBytes: 0,
      limitBytes: options.maxInputBytes,
    });
  }
  if (paths.length === 0) {
    if (text === undefined || text.trim() === "") throw emptyInputError("text", 0);
    return text;
  }
  if (paths.includes("-")) {
    throw new RlmError("usage", "`-` (stdin) cannot be read here: stdin carries the protocol.", {
      hint: "Pass the text itself in `text`.",
    });
  }
  const guard = await pathGuard(server, options, signal);
  const input = await readInputs(paths, {
    cwd: options.cwd,
    stdinIsTerminal: true,
    maxTotalBytes: options.maxInputBytes - textBytes,
    checkPath: (absolute) => guard.check(absolute),
    // `text` joins the files as one more str: the files must be strs too (a context is lazy or not).
    ...(text !== undefined ? { lazy: false } : {}),
  });
  for (const skipped of input.skipped) options.log(`skipped ${skipped.name} (${skipped.reason})`);
  if (text === undefined) return input.context;
  const files =
    typeof input.context === "string"
      ? { [input.files[0]?.name ?? "file"]: input.context }
      : Array.isArray(input.context)
        ? Object.fromEntries(input.context.map((part, index) => [String(index), part]))
        : input.context;
  return { ...files, [TEXT_KEY]: text };
}
