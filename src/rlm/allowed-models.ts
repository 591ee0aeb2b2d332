/**
 * Which models the code's `model=` argument may name. That argument is written by the model, whose
 * code a document can steer (prompt injection), so a spec it makes up must never become a backend:
 * `openai-compatible:http://any-host/v1#m` would make the host connect anywhere, `llamacpp:/etc/...`
 * open any file, `anthropic:...` send a key from the environment. A requested name is therefore only
 * looked up among the models the run was configured with (root, sub-model, per-depth models and
 * `allowedSubModels`), and the configured value, not the requested text, is what reaches the pool.
 * A short name (`smollm:1.7b` for `ollama:smollm:1.7b`) is accepted when exactly one configured
 * model has it: it still resolves to a configured model, so it widens nothing.
 */

import { RlmError } from "../errors/index.js";
import { parseAiSdkSpec } from "../models/ai-sdk/index.js";
import { type ModelRef, specOf } from "../models/model-ref.js";
import { parseModelSpec } from "../models/spec.js";
import type { RLMOptions } from "./types.js";

export interface AllowedModels {
  /** The configured specs, each once, in the order configured. */
  readonly specs: readonly string[];
  /**
   * The configured model `requested` names, by exact spec or by an unambiguous short name; throws
   * an RlmError (`model-not-allowed`, `model-name-ambiguous`) otherwise.
   */
  resolve(requested: string): ModelRef;
}

interface Entry {
  model: ModelRef;
  spec: string;
  /** The name after the provider (after `#` for openai-compatible; an AI SDK model's id), when the spec parses. */
  shortName: string | undefined;
  /** What the user configured it as: "root model", "sub-model", "depth-1 model", "allowedSubModels". */
  roles: string[];
}

/** A name the code wrote is echoed in the error; a long one is cut (it is attacker-chosen text). */
const ECHOED_CHARS = 200;

/** Read once per options object: every RLM of a tree, children included, shares the same list. */
const byOptions = new WeakMap<RLMOptions, AllowedModels>();

export function allowedModelsOf(options: RLMOptions): AllowedModels {
  let allowed = byOptions.get(options);
  if (allowed === undefined) {
    allowed = buildAllowedModels(options);
    byOptions.set(options, allowed);
  }
  return allowed;
}

function buildAllowedModels(options: RLMOptions): AllowedModels {
  const entries: Entry[] = [];
  const add = (model: ModelRef | undefined, role: string): void => {
    if (model === undefined) return;
    const spec = specOf(model).trim();
    const known = entries.find((entry) => entry.spec === spec);
    if (known !== undefined) {
      if (!known.roles.includes(role)) known.roles.push(role);
      return;
    }
    entries.push({ model, spec, shortName: shortNameOf(spec), roles: [role] });
  };
  add(options.model, "root model");
  add(options.subModel ?? options.model, "sub-model");
  for (const [depth, model] of (options.depthModels ?? []).entries()) add(model, `depth-${depth} model`);
  for (const model of options.allowedSubModels ?? []) add(model, "allowedSubModels");

  return {
    specs: entries.map((entry) => entry.spec),
    resolve(requested: string): ModelRef {
      const name = requested.trim();
      const exact = entries.find((entry) => entry.spec === name);
      if (exact !== undefined) return exact.model;
      const matches = entries.filter((entry) => entry.shortName === name);
      if (matches.length === 1 && matches[0] !== undefined) return matches[0].model;
      if (matches.length > 1) throw ambiguous(requested, matches);
      throw notAllowed(requested, entries);
    },
  };
}

function shortNameOf(spec: string): string | undefined {
  // An AI SDK model (`ai-sdk:openai.chat:gpt-4o-mini`) goes by its model id.
  const aiSdk = parseAiSdkSpec(spec);
  if (aiSdk !== undefined) return aiSdk.modelId;
  try {
    return parseModelSpec(spec).model;
  } catch {
    // A LanguageModel of the caller's own may have any spec: it is then matched by its full spec only.
    return undefined;
  }
}

function listed(entries: Entry[]): string {
  return entries.map((entry) => `"${entry.spec}" (${entry.roles.join(", ")})`).join(", ");
}

function echoed(requested: string): string {
  const cut = requested.length > ECHOED_CHARS ? `${requested.slice(0, ECHOED_CHARS)}...` : requested;
  return JSON.stringify(cut);
}

function notAllowed(requested: string, entries: Entry[]): RlmError {
  return new RlmError(
    "model-not-allowed",
    `model=${echoed(requested)} was refused: it is not one of the models this run was configured with. ` +
      `Allowed: ${listed(entries)}. Leave model= out to use the default.`,
    {
      hint: "the user can allow more: the RLM option allowedSubModels, `--allow-model <spec>` or the config file's allowModels",
    },
  );
}

function ambiguous(requested: string, matches: Entry[]): RlmError {
  return new RlmError(
    "model-name-ambiguous",
    `model=${echoed(requested)} was refused: it could be any of ${listed(matches)}. Name one by its full spec.`,
  );
}
