import type { ErrorCode } from "../errors/index.js";
import type { HttpOptions } from "./http/index.js";
import type { ModelConfig } from "./model-config.js";
import type { ChatMessage, LanguageModel, Price } from "./types.js";

/**
 * What a model backend says about itself, in one place (`<backend>/backend.ts`), collected by the
 * registry (`backends.ts`). Spec parsing, `createModel`, the pool's endpoints and prices, the known
 * context windows, the config file's `backends` keys, the documented environment variables and
 * `rlm doctor` all read it: adding a backend is one such file and one line in the registry.
 */
export interface BackendDescriptor {
  /** The spec prefix: `ollama` in `ollama:qwen3:4b`. */
  readonly prefix: string;
  /** Specs in each form it accepts, shown when a spec is not valid. */
  readonly examples: readonly string[];
  /** The environment variables it reads (keys, hosts), as documented. */
  readonly environment: readonly EnvironmentVariable[];
  /** Windows of the model families it serves that no server reports, by name prefix (tokens). */
  readonly contextWindows?: Readonly<Record<string, number>>;
  /** Published list prices of its models by name prefix, for a hosted API that has them. */
  readonly prices?: Readonly<Record<string, Price>>;
  /** Takes apart what follows `prefix:` (trimmed, not empty). Default: all of it names the model. */
  parse?(rest: string): SpecFields | { invalid: string };
  /** The base URLs a spec is served from (several: a fleet the pool spreads calls over); none in-process. */
  endpoints(parsed: ParsedSpec, config: ModelConfig): string[];
  /** The model at one endpoint. Contacts nothing; a missing required key throws here. */
  create(parsed: ParsedSpec, config: ModelConfig, where: Endpoint): LanguageModel;
  /** Calls an in-process model serves at once (the rest wait in the pool's queue). */
  capacity?(config: ModelConfig): number;
  /** Whether its calls cost money; false on the user's own hardware (counted at $0). */
  costsMoney(parsed: ParsedSpec): boolean;
  /**
   * Whether the model can be served now (server answers, key accepted, model there). Read-only: it
   * downloads and pulls nothing. An in-process backend loads the model and generates a token (and
   * says so with `calledModel`); for the others `rlm doctor` makes that one real call itself.
   */
  check(parsed: ParsedSpec, context: CheckContext): Promise<BackendCheck>;
}

/** A model spec taken apart (`docs/models.md`, "Spec strings"). */
export interface ParsedSpec extends SpecFields {
  /** The prefix before the first colon, naming the backend. */
  provider: string;
  /** The spec as written, trimmed. */
  spec: string;
}

export interface SpecFields {
  /** The model as its backend knows it (for `llamacpp:` the path or `hf:` URI as written). */
  model: string;
  /** The base URL(s) written in the spec itself (`openai-compatible:`), without a trailing slash. */
  baseUrl?: string;
  /** `llamacpp:`: a local file, or an `hf:` URI downloaded on first use. */
  source?: "path" | "hf";
}

/** An environment variable a backend (or the configuration) reads. */
export interface EnvironmentVariable {
  name: string;
  /** What it sets, in the words of the README's table (markdown). */
  meaning: string;
  /** The config file's `backends` key that stands in for it when it is not set. */
  configFile?: { key: string; form: "url" | "text" };
}

/** What every network model is created with (each backend's settings add their own). */
export interface ModelSettings {
  /** The spec it was created from. */
  spec: string;
  model: string;
  baseUrl: string;
  /** The config's window, which wins over whatever the server says. */
  contextWindow: number | undefined;
  /** The window when neither the config nor the server says. */
  fallbackWindow: number;
  http: HttpOptions | undefined;
}

/** Where a model is served: one base URL ("" in-process), and the window to assume when nothing says. */
export interface Endpoint {
  baseUrl: string;
  /** The known-models table's window for the model, else a conservative default. */
  fallbackWindow: number;
}

/** One finding of `rlm doctor` about a model (the doctor names the line). */
export interface BackendCheck {
  status: "ok" | "warn" | "fail";
  /** What was found. */
  detail: string;
  /** For a failure: the RlmError code it stands for (`backend-unreachable`, `model-not-found`...). */
  code?: ErrorCode;
  /** What to do about it, for warn and fail. */
  fix?: string;
  /** The check itself made a real call (loaded the model, generated a token): none is needed after it. */
  calledModel?: boolean;
}

export interface CheckContext {
  environment: Record<string, string | undefined>;
  timeoutMs: number;
  /** The spec's first endpoint ("" in-process). */
  baseUrl: string;
  /** Added to the fix when a server on the user's own machine does not answer: the way out without one. */
  noServerFix: string;
  /** The model config a run would create the model with (environment, llama.cpp settings). */
  config: ModelConfig;
  /**
   * For a root model: the messages a run opens with when the model's window holds this many
   * tokens (the system prompt and a first message). A backend that can count tokens checks that
   * they fit, with room for a reply.
   */
  rootPrompt?: (contextWindow: number) => ChatMessage[];
}
