/**
 * The viewer page's entry: loads a trajectory from `?trace=URL`, a picked file or a dropped file,
 * and shows it (`render-run.ts`). A file that cannot be read shows its error and hint in the page.
 */

import { closeAll, element, openAll } from "./dom.js";
import { parseTrajectoryText, TrajectoryTextError } from "./parse-trajectory-text.js";
import { renderRun } from "./render-run.js";

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
let currentUrl: string | undefined;

function show(text: string, source: string): void {
  const { runs, truncated } = parseTrajectoryText(text, source);
  const nodes: Node[] = [];
  if (truncated) {
    nodes.push(
      element(
        "p",
        "warning",
        "The last line was cut off mid-write (the run is still going, or its process died).",
      ),
    );
  }
  runs.forEach((run, index) => {
    const title = runs.length > 1 ? `Run ${index + 1} of ${runs.length}` : "Run";
    nodes.push(renderRun(run, title));
  });
  output.replaceChildren(...nodes);
  status.replaceChildren(element("span", "source", source));
  document.title = `${source} · RLM trajectory`;
}

function showError(error: unknown, source: string): void {
  const message = error instanceof Error ? error.message : String(error);
  const hint = error instanceof TrajectoryTextError ? error.hint : "";
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

async function loadUrl(url: string): Promise<void> {
  currentUrl = url;
  reloadButton.hidden = false;
  status.replaceChildren(`Loading ${url}…`);
  try {
    const response = await fetch(url, { cache: "no-store" });
    if (!response.ok) throw new Error(`The server answered ${response.status} ${response.statusText}.`);
    show(await response.text(), url);
  } catch (error) {
    showError(error, url);
  }
}

async function loadFile(file: File): Promise<void> {
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

const traceParameter = new URLSearchParams(location.search).get("trace");
if (traceParameter) void loadUrl(traceParameter);
