import { RlmError } from "../../errors/index.js";
import type { ChatOptions } from "../types.js";
import { type Llama, takeRecentLlamaLog } from "./load-library.js";

export type LlamaGrammar = Awaited<ReturnType<Llama["createGrammar"]>>;

const compiled = new WeakMap<Llama, Map<string, Promise<LlamaGrammar>>>();

function compileOnce(llama: Llama, key: string, compile: () => Promise<LlamaGrammar>): Promise<LlamaGrammar> {
  let cache = compiled.get(llama);
  if (cache === undefined) {
    cache = new Map();
    compiled.set(llama, cache);
  }
  let grammar = cache.get(key);
  if (grammar === undefined) {
    grammar = compile();
    grammar.catch(() => cache.delete(key));
    cache.set(key, grammar);
  }
  return grammar;
}

/**
 * The grammar that constrains a reply: `options.grammar` (GBNF text) or `options.jsonSchema`
 * (turned into GBNF by node-llama-cpp). Compiled once per distinct grammar and reused.
 */
export async function grammarFor(
  llama: Llama,
  options: ChatOptions | undefined,
): Promise<LlamaGrammar | undefined> {
  const { grammar, jsonSchema } = options ?? {};
  if (grammar !== undefined && jsonSchema !== undefined) {
    throw new RlmError("invalid-request", "A call cannot set both grammar and jsonSchema.", {
      hint: "Pass only one of them: jsonSchema for JSON output, grammar for any other GBNF constraint.",
    });
  }
  try {
    if (grammar !== undefined) {
      return await compileOnce(llama, `gbnf:${grammar}`, () => llama.createGrammar({ grammar }));
    }
    if (jsonSchema !== undefined) {
      // The schema is checked by node-llama-cpp; an unsupported construct throws and is reported below.
      const schema = jsonSchema as Parameters<Llama["createGrammarForJsonSchema"]>[0];
      return await compileOnce(llama, `json:${JSON.stringify(jsonSchema)}`, () =>
        llama.createGrammarForJsonSchema(schema),
      );
    }
  } catch (error) {
    const log = takeRecentLlamaLog();
    throw new RlmError(
      "invalid-grammar",
      `The ${grammar !== undefined ? "GBNF grammar" : "JSON schema"} could not be compiled: ${String(error)}${log ? ` (llama.cpp: ${log})` : ""}`,
      {
        hint:
          grammar !== undefined
            ? "Check the GBNF syntax (llama.cpp grammars/README.md); the start rule must be named root."
            : "Use the JSON-schema subset node-llama-cpp supports (type, properties, required, enum, const, items, anyOf).",
        cause: error,
      },
    );
  }
  return undefined;
}
