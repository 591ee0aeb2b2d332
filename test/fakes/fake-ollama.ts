import { type CompleteAnswer, type FakeProtocol, splitIntoPieces, startFakeServer } from "./fake-server.js";
import type { FakeMessage, FakePolicy, FakeRequest, FakeServer, FakeServerOptions } from "./types.js";

export interface FakeOllamaOptions extends FakeServerOptions {
  /**
   * The models "pulled" on this server, with their context length. Undefined: every model name is
   * accepted. A model not listed gets Ollama's 404 `model "x" not found, try pulling it first`.
   * `loadedContext`: the model is running with this context (`/api/ps`). `thinking: false`: a
   * model without the thinking capability, which answers `think: true` with Ollama's 400.
   */
  models?: Record<
    string,
    { contextLength?: number; architecture?: string; loadedContext?: number; thinking?: boolean }
  >;
  /** Context length `/api/show` reports for models without their own. Default 40 960 (Qwen3's). */
  contextLength?: number;
  /**
   * How a prompt longer than `num_ctx` is silently cut, as the reported prompt_eval_count shows:
   * `"half"` (current runner: num_ctx / 2 + 2 tokens kept, the default) or `"fill"` (older runner: num_ctx).
   */
  truncation?: "half" | "fill";
}

/** What Ollama does when a request leaves `num_ctx` unset: a small default window. */
export const OLLAMA_DEFAULT_NUM_CTX = 4096;

const nanoseconds = (milliseconds: number): number => Math.round(milliseconds * 1e6);

function messagesOf(body: Record<string, unknown>): FakeMessage[] {
  const raw = Array.isArray(body.messages) ? body.messages : [];
  return raw.map((item) => {
    const message = (item ?? {}) as Record<string, unknown>;
    return { role: String(message.role ?? "user"), content: String(message.content ?? "") };
  });
}

function numCtxOf(request: FakeRequest): number {
  const options = (request.body.options ?? {}) as Record<string, unknown>;
  return typeof options.num_ctx === "number" ? options.num_ctx : OLLAMA_DEFAULT_NUM_CTX;
}

/** Like the real runner, a prompt longer than num_ctx is silently cut. */
function counts(request: FakeRequest, answer: CompleteAnswer, truncation: "half" | "fill") {
  const numCtx = numCtxOf(request);
  const kept = truncation === "half" ? Math.floor(numCtx / 2) + 2 : numCtx;
  return {
    total_duration: nanoseconds(5),
    load_duration: nanoseconds(1),
    prompt_eval_count: answer.promptTokens > numCtx ? kept : answer.promptTokens,
    prompt_eval_duration: nanoseconds(1),
    eval_count: answer.completionTokens,
    eval_duration: nanoseconds(3),
  };
}

function line(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

function ollamaProtocol(options: FakeOllamaOptions): FakeProtocol {
  const defaultContext = options.contextLength ?? 40_960;
  const isPulled = (model: string): boolean =>
    options.models === undefined || model in options.models || `${model}:latest` in options.models;
  const entryOf = (model: string) => options.models?.[model] ?? options.models?.[`${model}:latest`];
  const notFound = (model: string) => ({
    status: 404,
    body: { error: `model "${model}" not found, try pulling it first` },
  });
  const wantsThinking = (request: FakeRequest): boolean => request.body.think !== false;
  const base = (request: FakeRequest) => ({ model: request.model, created_at: new Date().toISOString() });
  return {
    name: "ollama",
    chatPaths: ["/api/chat"],
    parseChat: (body) => ({
      model: String(body.model ?? ""),
      messages: messagesOf(body),
      // Ollama streams unless told not to.
      stream: body.stream !== false,
    }),
    precheck: (request) => {
      if (!isPulled(request.model)) return notFound(request.model);
      if (request.body.think === true && entryOf(request.model)?.thinking === false) {
        return { status: 400, body: { error: `"${request.model}" does not support thinking` } };
      }
      return undefined;
    },
    errorBody: (_status, message) => ({ error: message }),
    answerBody: (request, answer) => ({
      ...base(request),
      message: {
        role: "assistant",
        content: answer.text,
        ...(answer.reasoning && wantsThinking(request) ? { thinking: answer.reasoning } : {}),
      },
      done_reason: answer.finishReason,
      done: true,
      ...counts(request, answer, options.truncation ?? "half"),
    }),
    streamContentType: "application/x-ndjson",
    streamChunks: (request, answer) => {
      const thinking = answer.reasoning && wantsThinking(request) ? splitIntoPieces(answer.reasoning) : [];
      return [
        ...thinking.map((piece) =>
          line({
            ...base(request),
            message: { role: "assistant", content: "", thinking: piece },
            done: false,
          }),
        ),
        ...splitIntoPieces(answer.text).map((piece) =>
          line({ ...base(request), message: { role: "assistant", content: piece }, done: false }),
        ),
        line({
          ...base(request),
          message: { role: "assistant", content: "" },
          done_reason: answer.finishReason,
          done: true,
          ...counts(request, answer, options.truncation ?? "half"),
        }),
      ];
    },
    textChunk: (request, text) =>
      line({ ...base(request), message: { role: "assistant", content: text }, done: false }),
    streamErrorChunk: (message) => line({ error: message }),
    malformedStreamChunk: '{"model": "broken", "message": \n',
    route: (method, path, body) => {
      if (method === "GET" && path === "/api/version") return { status: 200, body: { version: "0.12.6" } };
      if (method === "GET" && path === "/api/tags") {
        const names = Object.keys(options.models ?? {});
        return {
          status: 200,
          body: {
            models: names.map((name) => ({
              name,
              model: name,
              modified_at: new Date(0).toISOString(),
              size: 1_000_000,
              digest: "0".repeat(64),
              details: { format: "gguf", family: options.models?.[name]?.architecture ?? "qwen3" },
            })),
          },
        };
      }
      if (method === "GET" && path === "/api/ps") {
        const loaded = Object.entries(options.models ?? {}).filter(
          ([, entry]) => entry.loadedContext !== undefined,
        );
        return {
          status: 200,
          body: {
            models: loaded.map(([name, entry]) => ({
              name,
              model: name,
              size: 1_000_000,
              digest: "0".repeat(64),
              expires_at: new Date(Date.now() + 300_000).toISOString(),
              size_vram: 1_000_000,
              context_length: entry.loadedContext,
            })),
          },
        };
      }
      if (method === "POST" && path === "/api/show") {
        const model = String(body.model ?? body.name ?? "");
        if (!isPulled(model)) return { status: 404, body: { error: `model '${model}' not found` } };
        const entry = options.models?.[model] ?? options.models?.[`${model}:latest`];
        const architecture = entry?.architecture ?? "qwen3";
        return {
          status: 200,
          body: {
            modelfile: `FROM ${model}`,
            parameters: "temperature 0.6",
            template: "{{ .Prompt }}",
            details: {
              parent_model: "",
              format: "gguf",
              family: architecture,
              families: [architecture],
              parameter_size: "4.0B",
              quantization_level: "Q4_K_M",
            },
            model_info: {
              "general.architecture": architecture,
              "general.parameter_count": 4_000_000_000,
              [`${architecture}.context_length`]: entry?.contextLength ?? defaultContext,
            },
            capabilities: entry?.thinking === false ? ["completion"] : ["completion", "thinking"],
            modified_at: new Date(0).toISOString(),
          },
        };
      }
      return undefined;
    },
  };
}

/** A fake Ollama server (`/api/chat` JSON and NDJSON, `/api/show`, `/api/tags`, `/api/version`). */
export function startFakeOllama(policy: FakePolicy, options: FakeOllamaOptions = {}): Promise<FakeServer> {
  return startFakeServer(ollamaProtocol(options), policy, options);
}
