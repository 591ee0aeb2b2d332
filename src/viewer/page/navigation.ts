/**
 * Getting around a long run: a sidebar of iterations (a child RLM's iterations as a tree under the
 * sub-call that started it) with error and limit markers; the keyboard (j/k or the arrows between
 * iterations, Enter to open or close one, / to search); a search across prompts, replies, code,
 * outputs and sub-calls; and deep links, `#iter=3&call=17` (iteration 3, its 17th sub-call, both
 * counted from 1; `run=2` picks a run of a session's file), kept in the address as you move.
 */

import type { IterationRecord } from "../../trace/types.js";
import { element } from "./dom.js";
import type { RunView } from "./render-run.js";
import type { BarTarget } from "./timeline-layout.js";

export interface Navigation {
  /** Builds the sidebar again for the runs shown (after a load or an update). */
  refresh(views: RunView[]): void;
  /** Opens what the address's `#...` names, if anything; true when it did. */
  followHash(): boolean;
  /** Called when something was opened (a timeline bar): moves the cursor and the address there. */
  opened(view: RunView, target: BarTarget): void;
}

const MAX_RESULTS = 200;

export function createNavigation(sidebar: HTMLElement, search: HTMLInputElement): Navigation {
  const list = element("div", "nav-list");
  const results = element("div", "search-results");
  sidebar.append(results, list);
  let views: RunView[] = [];
  /** The iteration the keyboard is on: run and iteration index. */
  let cursor = { run: 0, iteration: -1 };

  const setHash = (runIndex: number, target: BarTarget): void => {
    const parts = [
      ...(runIndex > 0 ? [`run=${runIndex + 1}`] : []),
      `iter=${target.iteration + 1}`,
      ...(target.call !== undefined ? [`call=${target.call + 1}`] : []),
    ];
    history.replaceState(null, "", `#${parts.join("&")}`);
  };

  const mark = (): void => {
    for (const item of list.querySelectorAll(".nav-item.current")) item.classList.remove("current");
    const item = list.querySelector<HTMLElement>(
      `.nav-item[data-run="${cursor.run}"][data-iter="${cursor.iteration}"]`,
    );
    item?.classList.add("current");
    item?.scrollIntoView({ block: "nearest" });
  };

  const go = (runIndex: number, target: BarTarget): void => {
    const view = views[runIndex];
    if (!view) return;
    view.open(target);
    cursor = { run: runIndex, iteration: target.iteration };
    setHash(runIndex, target);
    mark();
  };

  const item = (runIndex: number, target: BarTarget, label: string, markers: HTMLElement[]): HTMLElement => {
    const link = element("button", "nav-item", label, ...markers);
    link.type = "button";
    if (target.call === undefined) {
      link.dataset.run = String(runIndex);
      link.dataset.iter = String(target.iteration);
    }
    link.addEventListener("click", () => go(runIndex, target));
    return link;
  };

  const refresh = (next: RunView[]): void => {
    views = next;
    list.replaceChildren(
      ...views.map((view, runIndex) =>
        element(
          "div",
          "nav-run",
          views.length > 1 && element("div", "nav-run-title", view.title),
          ...view.run.iterations.map((iteration, index) =>
            element(
              "div",
              "nav-node",
              item(runIndex, { iteration: index }, `Iteration ${iteration.iteration}`, markers(iteration)),
              childTree(iteration, (call) =>
                item(runIndex, { iteration: index, call: call.index }, call.label, call.markers),
              ),
            ),
          ),
        ),
      ),
    );
    mark();
  };

  const followHash = (): boolean => {
    const parameters = new URLSearchParams(location.hash.slice(1));
    const iteration = Number(parameters.get("iter"));
    if (!Number.isInteger(iteration) || iteration < 1) return false;
    const runIndex = Math.max(0, (Number(parameters.get("run")) || 1) - 1);
    const call = Number(parameters.get("call"));
    go(runIndex, {
      iteration: iteration - 1,
      ...(Number.isInteger(call) && call >= 1 ? { call: call - 1 } : {}),
    });
    return true;
  };

  const move = (step: number): void => {
    const count = views[cursor.run]?.run.iterations.length ?? 0;
    if (count === 0) return;
    const next = Math.min(count - 1, Math.max(0, cursor.iteration + step));
    const details = views[cursor.run]?.iteration(next);
    cursor = { ...cursor, iteration: next };
    details?.scrollIntoView({ block: "start" });
    details?.querySelector("summary")?.focus({ preventScroll: true });
    setHash(cursor.run, { iteration: next });
    mark();
  };

  const runSearch = (): void => {
    const query = search.value.trim().toLowerCase();
    if (query === "") {
      results.replaceChildren();
      return;
    }
    const found: HTMLElement[] = [];
    views.forEach((view, runIndex) => {
      view.run.iterations.forEach((iteration, index) => {
        for (const hit of searchIteration(iteration, query)) {
          if (found.length >= MAX_RESULTS) return;
          const target: BarTarget = { iteration: index, ...hit.target };
          const button = element(
            "button",
            "search-hit",
            element("span", "hit-where", `${iteration.iteration} · ${hit.where}`),
            element("span", "hit-text", hit.snippet),
          );
          button.type = "button";
          button.addEventListener("click", () => go(runIndex, target));
          found.push(button);
        }
      });
    });
    results.replaceChildren(
      element(
        "div",
        "hit-count",
        found.length === 0
          ? "No match."
          : `${found.length}${found.length >= MAX_RESULTS ? "+" : ""} match${found.length === 1 ? "" : "es"}`,
      ),
      ...found,
    );
  };
  search.addEventListener("input", runSearch);
  search.addEventListener("keydown", (event) => {
    if (event.key === "Escape") search.blur();
    if (event.key === "Enter") results.querySelector<HTMLButtonElement>(".search-hit")?.click();
  });

  document.addEventListener("keydown", (event) => {
    const target = event.target as HTMLElement | null;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA")) return;
    if (event.key === "j" || event.key === "ArrowDown") {
      event.preventDefault();
      move(1);
    } else if (event.key === "k" || event.key === "ArrowUp") {
      event.preventDefault();
      move(-1);
    } else if (event.key === "Enter" && target?.tagName !== "BUTTON" && target?.tagName !== "SUMMARY") {
      const details = views[cursor.run]?.iteration(cursor.iteration);
      if (details) {
        event.preventDefault();
        if (details.open) details.open = false;
        else views[cursor.run]?.open({ iteration: cursor.iteration });
      }
    } else if (event.key === "/") {
      event.preventDefault();
      search.focus();
      search.select();
    }
  });
  window.addEventListener("hashchange", () => void followHash());

  return {
    refresh,
    followHash,
    opened(view, target) {
      const runIndex = views.indexOf(view);
      if (runIndex < 0) return;
      cursor = { run: runIndex, iteration: target.iteration };
      setHash(runIndex, target);
      mark();
    },
  };
}

/** Error and limit markers of an iteration (a failed block, no code, a stop, the answer). */
function markers(iteration: IterationRecord): HTMLElement[] {
  const found: HTMLElement[] = [];
  const failed = iteration.code_blocks.some(
    (block) =>
      block.result.error !== undefined || block.result.rlm_calls.some((call) => call.error !== undefined),
  );
  if (failed) found.push(element("span", "marker error", "error"));
  if (iteration.stop_reason && iteration.stop_reason !== "answer")
    found.push(element("span", "marker stop", iteration.stop_reason));
  if (iteration.code_blocks.length === 0 && iteration.final_answer === undefined)
    found.push(element("span", "marker note", "no code"));
  if (iteration.final_answer !== undefined) found.push(element("span", "marker final", "answer"));
  return found;
}

interface ChildItem {
  index: number;
  label: string;
  markers: HTMLElement[];
}

/** The child RLMs started from an iteration, each with its own iterations under it. */
function childTree(iteration: IterationRecord, item: (call: ChildItem) => HTMLElement): HTMLElement | false {
  const nodes: HTMLElement[] = [];
  let index = 0;
  for (const block of iteration.code_blocks) {
    for (const call of block.result.rlm_calls) {
      if (call.children && call.children.length > 0) {
        nodes.push(
          element(
            "div",
            "nav-child",
            item({
              index,
              label: `↳ sub-call ${index + 1}: child RLM`,
              markers: call.error !== undefined ? [element("span", "marker error", "error")] : [],
            }),
            ...call.children.map((child) =>
              element("div", "nav-child-iteration", `Iteration ${child.iteration}`, ...markers(child)),
            ),
          ),
        );
      }
      index++;
    }
  }
  return nodes.length > 0 && element("div", "nav-children", ...nodes);
}

interface Hit {
  target: Omit<BarTarget, "iteration">;
  where: string;
  snippet: string;
}

/** Where `query` (lower case) occurs in an iteration: prompts, reply, code, outputs, sub-calls. */
function* searchIteration(iteration: IterationRecord, query: string): Generator<Hit> {
  const look = function* (text: string, where: string, target: Hit["target"] = {}): Generator<Hit> {
    const at = text.toLowerCase().indexOf(query);
    if (at >= 0) yield { target, where, snippet: snippet(text, at, query.length) };
  };
  for (const message of iteration.prompt) yield* look(message.content, `prompt (${message.role})`);
  yield* look(iteration.response, "reply");
  let call = 0;
  for (const [block, code] of iteration.code_blocks.entries()) {
    const name = `block ${block + 1}`;
    yield* look(code.code, `${name} code`, { block });
    yield* look(code.result.stdout, `${name} stdout`, { block });
    yield* look(code.result.stderr, `${name} stderr`, { block });
    if (code.result.error !== undefined) yield* look(code.result.error, `${name} error`, { block });
    for (const sub of code.result.rlm_calls) {
      yield* look(sub.prompt, `sub-call ${call + 1} prompt`, { block, call });
      yield* look(sub.response, `sub-call ${call + 1} response`, { block, call });
      call++;
    }
  }
}

function snippet(text: string, at: number, length: number): string {
  const start = Math.max(0, at - 30);
  const shown = text.slice(start, at + length + 50).replace(/\s+/g, " ");
  return `${start > 0 ? "…" : ""}${shown}`;
}
