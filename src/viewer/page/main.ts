/**
 * The viewer page's entry: loads a trajectory from `?trace=URL`, a picked file or a dropped file,
 * and shows it (`render-run.ts`). A file loaded from a URL whose last run has not finished is
 * read again every few seconds, and what was added is shown in place (the run is being written).
 * A file that cannot be read shows its error and hint in the page. `&name=` is the file's real
 * name, shown instead of the server's path; `?compare=URL` shows a second run beside the first
 * (`render-comparison.ts`); `?list=URL` shows a folder's trajectories (`render-list.ts`).
 */

import type { Trajectory } from "../../trace/split-runs.js";
import { closeAll, element, openAll } from "./dom.js";
import { createNavigation } from "./navigation.js";
import { parseTrajectoryText, TrajectoryTextError } from "./parse-trajectory-text.js";
import { renderComparison } from "./render-comparison.js";
import { renderTrajectoryList } from "./render-list.js";
import { createRunView, type RunView } from "./render-run.js";
import type { TrajectorySummary } from "./trajectory-summary.js";

const FOLLOW_EVERY_MS = 2000;

function byId<T extends HTMLElement>(id: string, type: new () => T): T {
  const found = document.getElementById(id);
  if (!(found instanceof type))
    throw new Error(`The page has no #${id}; index.html and the script disagree.`);
  return found;
}

const output = byId("trajectory", HTMLElement);
const status = byId("status", HTMLElement);
const fileInput = byId("file-input", HTMLInputElement);
const reloadButton = byId("reload", HTMLButtonElement);
const navigation = createNavigation(byId("sidebar", HTMLElement), byId("search", HTMLInputElement));

/** What is on screen: its source, the text it came from, and one view per run. */
let shown: { source: string; text: string; views: RunView[]; warning: HTMLElement } | undefined;
let currentUrl: string | undefined;
/** The real file name of what `?trace=` points at, when the server gave it. */
let traceName: string | undefined;
let followTimer: ReturnType<typeof setTimeout> | undefined;

function show(text: string, source: string): void {
  const trajectory = parseTrajectoryText(text, source);
  const warning = element("p", "warning");
  const views: RunView[] = trajectory.runs.map((run, index) => newView(run, index, trajectory.runs.length));
  output.replaceChildren(warning, ...views.map((view) => view.element));
  shown = { source, text, views, warning };
  navigation.refresh(views);
  navigation.followHash();
  showTruncation(trajectory);
  status.replaceChildren(element("span", "source", source));
  document.title = `${source} · RLM trajectory`;
}

/** Shows what lines were added to the text on screen; false when it changed otherwise (then redraw). */
function extend(text: string, source: string): boolean {
  if (
    !shown ||
    shown.source !== source ||
    !text.startsWith(shown.text.slice(0, shown.text.lastIndexOf("\n") + 1))
  ) {
    return false;
  }
  const trajectory = parseTrajectoryText(text, source);
  if (trajectory.runs.length < shown.views.length) return false;
  const { views } = shown;
  trajectory.runs.forEach((run, index) => {
    const view = views[index];
    if (view) view.update(run);
    else {
      const added = newView(run, index, trajectory.runs.length);
      views.push(added);
      output.appendChild(added.element);
    }
  });
  shown.text = text;
  showTruncation(trajectory);
  navigation.refresh(views);
  return true;
}

function newView(run: Trajectory["runs"][number], index: number, total: number): RunView {
  const view: RunView = createRunView(run, runTitle(index, total), (target) =>
    navigation.opened(view, target),
  );
  return view;
}

function runTitle(index: number, total: number): string {
  return total > 1 ? `Run ${index + 1}` : "Run";
}

function showTruncation(trajectory: Trajectory): void {
  if (!shown) return;
  const notes = [
    ...(trajectory.truncated
      ? ["The last line is cut off mid-write (the run is still going, or its process died)."]
      : []),
    ...trajectory.warnings.slice(0, 5),
    ...(trajectory.warnings.length > 5 ? [`${trajectory.warnings.length - 5} more lines were skipped.`] : []),
  ];
  shown.warning.textContent = notes.join(" ");
  shown.warning.hidden = notes.length === 0;
}

function showError(error: unknown, source: string): void {
  const message = error instanceof Error ? error.message : String(error);
  const hint = error instanceof TrajectoryTextError ? error.hint : "";
  shown = undefined;
  output.replaceChildren();
  status.replaceChildren(
    element(
      "div",
      "load-error",
      element("strong", undefined, `Cannot show ${source}: `),
      message,
      hint && element("div", "hint", `→ ${hint}`),
    ),
  );
}

async function fetchText(url: string): Promise<string> {
  const response = await fetch(url, { cache: "no-store" });
  if (!response.ok) throw new Error(`The server answered ${response.status} ${response.statusText}.`);
  return response.text();
}

async function loadUrl(url: string, following = false): Promise<void> {
  clearTimeout(followTimer);
  currentUrl = url;
  reloadButton.hidden = false;
  const source = traceName ?? url;
  if (!following) status.replaceChildren(`Loading ${source}…`);
  try {
    const text = await fetchText(url);
    if (!following || !extend(text, source)) show(text, source);
  } catch (error) {
    // While following, what is shown stays (the server may just have stopped).
    if (following && shown)
      status.replaceChildren(element("span", "warning", `Stopped following ${source}: ${String(error)}`));
    else showError(error, source);
    return;
  }
  if (currentUrl === url && shown && !shown.views.at(-1)?.finished) {
    followTimer = setTimeout(() => void loadUrl(url, true), FOLLOW_EVERY_MS);
  }
}

async function loadFile(file: File): Promise<void> {
  clearTimeout(followTimer);
  currentUrl = undefined;
  reloadButton.hidden = true;
  try {
    show(await file.text(), file.name);
  } catch (error) {
    showError(error, file.name);
  }
}

fileInput.addEventListener("change", () => {
  const file = fileInput.files?.[0];
  if (file) void loadFile(file);
});
document.addEventListener("dragover", (event) => {
  event.preventDefault();
  document.body.classList.add("dragging");
});
document.addEventListener("dragleave", () => document.body.classList.remove("dragging"));
document.addEventListener("drop", (event) => {
  event.preventDefault();
  document.body.classList.remove("dragging");
  const file = event.dataTransfer?.files[0];
  if (file) void loadFile(file);
});
reloadButton.addEventListener("click", () => {
  if (currentUrl) void loadUrl(currentUrl);
});
byId("expand-all", HTMLButtonElement).addEventListener("click", () => openAll(output));
byId("collapse-all", HTMLButtonElement).addEventListener("click", () => closeAll(output));

/** Two trajectories side by side: their last runs compared, then each shown in a column. */
async function loadComparison(first: { url: string; name: string }, second: { url: string; name: string }) {
  status.replaceChildren(`Loading ${first.name} and ${second.name}…`);
  const loaded = [];
  for (const { url, name } of [first, second]) {
    try {
      const trajectory = parseTrajectoryText(await fetchText(url), name);
      const run = trajectory.runs.at(-1);
      if (!run) throw new Error("It holds no run.");
      loaded.push({ run, name, trajectory });
    } catch (error) {
      showError(error, name);
      return;
    }
  }
  const [a, b] = loaded as [(typeof loaded)[0], (typeof loaded)[0]];
  const views = [createRunView(a.run, a.name), createRunView(b.run, b.name)];
  const warnings = [...a.trajectory.warnings, ...b.trajectory.warnings];
  output.replaceChildren(
    element("p", "warning", warnings.join(" ")),
    renderComparison(a, b),
    element("div", "compare-columns", ...views.map((view) => view.element)),
  );
  output.querySelector<HTMLElement>(".warning")!.hidden = warnings.length === 0;
  navigation.refresh(views);
  navigation.followHash();
  status.replaceChildren(element("span", "source", `${a.name} ↔ ${b.name}`));
  document.title = `${a.name} ↔ ${b.name} · RLM trajectories`;
}

async function loadList(url: string, folder: string): Promise<void> {
  status.replaceChildren(`Loading the list of ${folder}…`);
  try {
    const summaries = JSON.parse(await fetchText(url)) as TrajectorySummary[];
    output.replaceChildren(renderTrajectoryList(summaries, folder));
    status.replaceChildren(element("span", "source", folder));
    document.title = `${folder} · RLM trajectories`;
  } catch (error) {
    showError(error, folder);
  }
}

const parameters = new URLSearchParams(location.search);
const traceParameter = parameters.get("trace");
const compareParameter = parameters.get("compare");
const listParameter = parameters.get("list");
traceName = parameters.get("name") ?? undefined;
if (listParameter) void loadList(listParameter, traceName ?? listParameter);
else if (traceParameter && compareParameter)
  void loadComparison(
    { url: traceParameter, name: traceName ?? traceParameter },
    { url: compareParameter, name: parameters.get("compare-name") ?? compareParameter },
  );
else if (traceParameter) void loadUrl(traceParameter);
