/**
 * A folder's trajectories (`rlm view DIR`, the server's `/list.json`), newest first: when each
 * started, how it ended, its time and cost, its file and its question. A row's link opens that
 * file in this page, under its real name. The list is data from disk: it is written as text only.
 */

import { badge, element } from "./dom.js";
import { formatCost, formatMilliseconds } from "./format.js";
import type { TrajectorySummary } from "./trajectory-summary.js";

export function renderTrajectoryList(summaries: TrajectorySummary[], folder: string): HTMLElement {
  const rows = summaries.map((summary) => {
    // Encoded: a name may hold "#" or "?", which would end a relative URL early.
    const query = new URLSearchParams({
      trace: `files/${encodeURIComponent(summary.file)}`,
      name: summary.file,
    });
    const link = element("a", undefined, summary.file);
    link.href = `?${query.toString()}`;
    return element(
      "tr",
      undefined,
      element("td", "started", summary.started.slice(0, 19).replace("T", " ")),
      element(
        "td",
        undefined,
        badge(
          summary.status,
          summary.status === "answer" ? "final" : summary.status === "unreadable" ? "error" : "stop",
        ),
      ),
      element("td", "number", summary.elapsedMs === undefined ? "" : formatMilliseconds(summary.elapsedMs)),
      element("td", "number", summary.costUsd === undefined ? "" : formatCost(summary.costUsd)),
      element("td", "file", link),
      element("td", "question", summary.error ?? summary.question),
    );
  });
  const header = ["Started", "Status", "Time", "Cost", "File", "Question"].map((name) =>
    element("th", undefined, name),
  );
  return element(
    "section",
    "trajectory-list",
    element("h2", undefined, `${folder}: ${summaries.length} trajectories, newest first`),
    summaries.length === 0
      ? element("p", undefined, "No .jsonl files in this folder.")
      : element(
          "table",
          "usage",
          element("thead", undefined, element("tr", undefined, ...header)),
          element("tbody", undefined, ...rows),
        ),
  );
}
