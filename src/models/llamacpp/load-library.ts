import { RlmError } from "../../errors/index.js";
import type { LlamaGpu } from "../model-config.js";

/** The node-llama-cpp module, as a type only: nothing is loaded until a llamacpp model is used. */
export type NodeLlamaCpp = typeof import("node-llama-cpp");
export type Llama = Awaited<ReturnType<NodeLlamaCpp["getLlama"]>>;

let library: Promise<NodeLlamaCpp> | undefined;
/** The last lines llama.cpp logged at warning level or above: put into errors instead of printed. */
const recentLog: string[] = [];

/** What llama.cpp said recently (e.g. why a grammar did not parse), for error messages. */
export function takeRecentLlamaLog(): string {
  const text = recentLog.join(" | ");
  recentLog.length = 0;
  return text;
}
const instances = new Map<string, Promise<Llama>>();

function missingPackageError(cause: unknown): RlmError {
  return new RlmError(
    "llamacpp-missing",
    "The embedded llama.cpp backend needs node-llama-cpp, which is not installed.",
    {
      hint: "Install it beside rlm: `npm install node-llama-cpp` in your project, or `npm install -g node-llama-cpp` for a global rlm (about 750 MB with every GPU build).",
      cause,
    },
  );
}

/**
 * Imports `specifier` (node-llama-cpp) on first use. It is an optional dependency: the rest of the
 * package works without it, and a missing module becomes an RlmError with the install command.
 */
export async function importNodeLlamaCpp(specifier = "node-llama-cpp"): Promise<NodeLlamaCpp> {
  try {
    return (await import(specifier)) as NodeLlamaCpp;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") throw missingPackageError(error);
    throw new RlmError("llamacpp-unavailable", `node-llama-cpp could not be loaded: ${String(error)}`, {
      hint: "Reinstall it (npm install node-llama-cpp) for this platform and Node version.",
      cause: error,
    });
  }
}

export function loadNodeLlamaCpp(): Promise<NodeLlamaCpp> {
  library ??= importNodeLlamaCpp().catch((error: unknown) => {
    library = undefined;
    throw error;
  });
  return library;
}

/**
 * One Llama (the native binding) per process and GPU setting, created on first use. It never builds
 * llama.cpp from source behind the caller's back (that takes many minutes): without a prebuilt
 * binary for the platform it fails with a hint.
 */
export function sharedLlama(gpu: LlamaGpu): Promise<Llama> {
  const key = String(gpu);
  let instance = instances.get(key);
  if (instance === undefined) {
    instance = (async () => {
      const { getLlama, LlamaLogLevel } = await loadNodeLlamaCpp();
      try {
        return await getLlama({
          gpu,
          build: "never",
          progressLogs: false,
          logLevel: LlamaLogLevel.warn,
          // Library code never prints: llama.cpp's complaints are kept for the next error message.
          logger: (_level, message) => {
            recentLog.push(message.trim());
            if (recentLog.length > 20) recentLog.shift();
          },
        });
      } catch (error) {
        throw new RlmError(
          "llamacpp-unavailable",
          `node-llama-cpp has no usable llama.cpp binary here: ${String(error)}`,
          {
            hint: "Build one for this machine with `npx --no node-llama-cpp source download`, or use an Ollama or OpenAI-compatible server.",
            cause: error,
          },
        );
      }
    })();
    instance.catch(() => instances.delete(key));
    instances.set(key, instance);
  }
  return instance;
}
