/**
 * Serves a sandbox's `llm_query` / `rlm_query` calls for the RLM (node) in its seat: looks a
 * `model=` name up among the configured models (see allowed-models.ts), counts each call against
 * the run's budget, sends `llm` calls to the pool (cancelled with the exec and with the node),
 * has the factory run a child RLM for `rlm` calls while depth allows (else a plain call), and
 * records every call, child trajectory included, in the running code block's list.
 */

import { isRlmError, RlmError } from "../errors/index.js";
import { type ModelRef, specOf } from "../models/model-ref.js";
import type { QueryHandler } from "../sandbox/types.js";
import type { SubCallRecord } from "../trace/types.js";
import { allowedModelsOf } from "./allowed-models.js";
import type { ChildOutcome } from "./child.js";
import type { SandboxSeat } from "./node.js";
import { modelForDepth } from "./options.js";
import type { Run } from "./run.js";

/** Prompts and responses longer than this are cut in the trajectory (not in the call). */
const RECORDED_CHARS = 100_000;

export function createQueryHandler(seat: SandboxSeat): QueryHandler {
  return async (request, signal) => {
    const { node, nodes } = seat;
    if (node === undefined || nodes === undefined) {
      throw new RlmError("sandbox-unbound", "llm_query was called outside a completion.", {
        hint: "Models can only be called while a completion runs.",
      });
    }
    const { run } = node;
    const { budget, options } = run;
    // Refused before the budget: a refused name creates nothing and calls nothing, so it is no sub-call.
    const chosen = request.model === undefined ? undefined : allowedModel(run, node.depth, request.model);
    budget.startSubCall();
    const recursive = request.kind === "rlm" && node.depth + 1 < run.maxDepth;
    const kind = recursive ? "rlm" : "llm";
    const model = chosen ?? (recursive ? modelForDepth(options, node.depth + 1) : run.subModel);
    const spec = specOf(model);
    // Named before any await: the code's order of calls, not the order their replies come back in.
    const site = node.sites.subCall();
    const id = run.nextSubCallId();
    // The block that made the call is the one running now; keep its list even if the call outlives it.
    const calls = node.calls.current;
    const started = performance.now();
    run.emit({ type: "subcall-start", depth: node.depth, id, kind, model: spec });
    const record: SubCallRecord = {
      kind,
      model: spec,
      prompt: clip(request.prompt),
      response: "",
      execution_time: 0,
    };
    try {
      const combined = bothSignals(signal, node.signal);
      let response: string;
      if (recursive) {
        const child: ChildOutcome = await nodes.runChild(
          node,
          `${run.id}.${id}`,
          site,
          request.prompt,
          model,
          combined,
        );
        record.children = child.records;
        if (child.error !== undefined) throw new Error(child.error);
        response = child.answer;
      } else {
        const reply = await run.pool.get(model).chat([{ role: "user", content: request.prompt }], {
          ...options.subOptions,
          maxTokens: options.subOptions?.maxTokens ?? node.replyTokens.sub,
          signal: combined,
          ...run.recording(site, spec, request.prompt),
        });
        response = reply.text;
        record.usage = reply.usage;
        run.calibration.call(spec, request.prompt.length, reply.usage, (performance.now() - started) / 1000);
        for (const warning of reply.warnings ?? [])
          run.emit({ type: "warning", depth: node.depth, message: warning });
      }
      record.response = clip(response);
      return response;
    } catch (error) {
      record.error = describeError(error);
      throw new Error(record.error);
    } finally {
      record.execution_time = (performance.now() - started) / 1000;
      calls.push(record);
      run.emit({
        type: "subcall-end",
        depth: node.depth,
        id,
        kind,
        model: spec,
        elapsedMs: performance.now() - started,
        ...(record.error !== undefined ? { error: record.error } : {}),
      });
      budget.check();
    }
  };
}

/** The configured model `requested` names; else throws, with a warning in the trace (once per name per run). */
function allowedModel(run: Run, depth: number, requested: string): ModelRef {
  try {
    return allowedModelsOf(run.options).resolve(requested);
  } catch (error) {
    const message = describeError(error);
    if (!run.refusedModels.has(requested)) {
      run.refusedModels.add(requested);
      run.emit({ type: "warning", depth, message });
    }
    throw new Error(message);
  }
}

/**
 * One signal for the exec's and the node's, made once per exec and shared by its sub-calls: a
 * batch of 1,000 calls would otherwise make 1,000 `AbortSignal.any` (about 18 us each, plus the
 * weak references they leave for the collector).
 */
const combinedSignals = new WeakMap<AbortSignal, WeakMap<AbortSignal, AbortSignal>>();
function bothSignals(exec: AbortSignal, node: AbortSignal): AbortSignal {
  let byNode = combinedSignals.get(exec);
  if (byNode === undefined) {
    byNode = new WeakMap();
    combinedSignals.set(exec, byNode);
  }
  let combined = byNode.get(node);
  if (combined === undefined) {
    combined = AbortSignal.any([exec, node]);
    byNode.set(node, combined);
  }
  return combined;
}

function clip(text: string): string {
  if (text.length <= RECORDED_CHARS) return text;
  return `${text.slice(0, RECORDED_CHARS)}\n[... ${text.length - RECORDED_CHARS} characters not recorded ...]`;
}

export function describeError(error: unknown): string {
  if (isRlmError(error)) return error.hint ? `${error.message} (${error.hint})` : error.message;
  if (error instanceof Error) return error.message;
  return String(error);
}
