/**
 * The run's timeline (a Gantt chart) on a canvas: one row per lane (`timeline-layout.ts`), time
 * left to right. Only what is visible is drawn: the canvas is the size of its box, the lanes in
 * view are found from the scroll position and the bars in view by binary search, so a run with
 * 10,000 sub-calls scrolls as fast as a small one. Hovering a bar shows what it is (as text, never
 * markup); clicking it asks the page to open it in the detail view. Ctrl+wheel (or the buttons)
 * zooms in time, the wheel with shift pans, a double-click shows the whole run again.
 */

import type { TrajectoryRun } from "../../trace/split-runs.js";
import { element } from "./dom.js";
import { formatCount, formatMilliseconds, formatTokens } from "./format.js";
import {
  type Bar,
  type BarTarget,
  CODE_LANE,
  firstEndingAfter,
  layoutTimeline,
  ROOT_LANE,
  TIMELINE_GEOMETRY,
  type TimelineLayout,
} from "./timeline-layout.js";

const { ROW, BAR, GUTTER, AXIS, MAX_HEIGHT } = TIMELINE_GEOMETRY;

const COLORS: Record<Bar["kind"], string> = {
  turn: "#2457a6",
  code: "#7a8591",
  llm: "#2f9e5b",
  rlm: "#8a4fc1",
  error: "#b3261e",
};

export interface TimelineView {
  element: HTMLElement;
  update(run: TrajectoryRun): void;
  /** Draws again (after the box changed size). */
  draw(): void;
  readonly layout: TimelineLayout;
}

export function createTimeline(run: TrajectoryRun, open: (target: BarTarget) => void): TimelineView {
  let layout = layoutTimeline(run);
  /** The time range in view, in ms from the run's start. */
  let from = 0;
  let to = 1;
  let zoomed = false;

  const canvas = element("canvas", "timeline-canvas");
  const spacer = element("div", "timeline-spacer");
  const scroller = element("div", "timeline-scroll", canvas, spacer);
  const tip = element("div", "timeline-tip");
  tip.hidden = true;
  const caption = element("div", "timeline-caption");
  const zoomIn = button("+", "Zoom in (or Ctrl+wheel)");
  const zoomOut = button("−", "Zoom out");
  const reset = button("Whole run", "Show the whole run (or double-click)");
  const legend = element(
    "div",
    "timeline-legend",
    ...(
      [
        ["turn", "root model turn"],
        ["code", "code block"],
        ["llm", "llm_query"],
        ["rlm", "rlm_query (child RLM)"],
        ["error", "error or limit"],
      ] as const
    ).map(([kind, name]) => element("span", `swatch ${kind}`, name)),
  );
  const root = element(
    "div",
    "timeline",
    element("div", "timeline-bar", caption, legend, zoomIn, zoomOut, reset),
    scroller,
    tip,
  );

  const showWhole = (): void => {
    from = 0;
    to = Math.max(1, layout.duration);
    zoomed = false;
  };
  showWhole();

  const rowsHeight = (): number => AXIS + layout.lanes.length * ROW + 4;

  const draw = (): void => {
    const width = scroller.clientWidth || 800;
    const height = Math.min(MAX_HEIGHT, rowsHeight());
    scroller.style.height = `${height}px`;
    spacer.style.height = `${Math.max(0, rowsHeight() - height)}px`;
    const ratio = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
      canvas.style.width = `${width}px`;
      canvas.style.height = `${height}px`;
    }
    const context = canvas.getContext("2d");
    if (!context) return;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, width, height);
    context.font = "11px system-ui, sans-serif";
    context.textBaseline = "middle";
    const scale = (width - GUTTER) / (to - from);
    const firstLane = Math.max(0, Math.floor(scroller.scrollTop / ROW));
    const lastLane = Math.min(layout.lanes.length - 1, firstLane + Math.ceil((height - AXIS) / ROW));
    for (let laneIndex = firstLane; laneIndex <= lastLane; laneIndex++) {
      const lane = layout.lanes[laneIndex]!;
      const y = AXIS + (laneIndex - firstLane) * ROW - (scroller.scrollTop % ROW);
      if (laneIndex % 2 === 0) {
        context.fillStyle = "#f6f8fa";
        context.fillRect(GUTTER, y, width - GUTTER, ROW);
      }
      let lastPixel = -1;
      for (let index = firstEndingAfter(lane, from); index < lane.length; index++) {
        const bar = lane[index]!;
        if (bar.start > to) break;
        const x = GUTTER + Math.max(0, (bar.start - from) * scale);
        const right = GUTTER + Math.min(width - GUTTER, (bar.end - from) * scale);
        // Bars thinner than a pixel on the same pixel are drawn once.
        if (right - x < 1 && Math.floor(x) === lastPixel) continue;
        lastPixel = Math.floor(x);
        context.fillStyle = COLORS[bar.kind];
        context.fillRect(x, y + (ROW - BAR) / 2, Math.max(1, right - x - 0.5), BAR);
      }
      context.fillStyle = "#fff";
      context.fillRect(0, y, GUTTER, ROW);
      context.fillStyle = "#68707a";
      context.fillText(laneName(laneIndex), 4, y + ROW / 2);
    }
    drawAxis(context, width, scale);
  };

  const drawAxis = (context: CanvasRenderingContext2D, width: number, scale: number): void => {
    context.fillStyle = "#fff";
    context.fillRect(0, 0, width, AXIS);
    context.strokeStyle = "#d8dde3";
    context.beginPath();
    context.moveTo(GUTTER, AXIS - 0.5);
    context.lineTo(width, AXIS - 0.5);
    context.stroke();
    context.fillStyle = "#68707a";
    const step = niceStep((to - from) / Math.max(1, (width - GUTTER) / 110));
    for (let tick = Math.ceil(from / step) * step; tick <= to; tick += step) {
      const x = GUTTER + (tick - from) * scale;
      context.fillRect(x, AXIS - 5, 1, 5);
      context.fillText(formatMilliseconds(tick), x + 3, AXIS / 2);
    }
  };

  const barAt = (clientX: number, clientY: number): Bar | undefined => {
    const box = canvas.getBoundingClientRect();
    const x = clientX - box.left;
    const y = clientY - box.top;
    if (x < GUTTER || y < AXIS) return undefined;
    const laneIndex = Math.floor((y - AXIS + scroller.scrollTop) / ROW);
    const lane = layout.lanes[laneIndex];
    if (!lane) return undefined;
    const scale = (box.width - GUTTER) / (to - from);
    const time = from + (x - GUTTER) / scale;
    // A bar at least 3 pixels wide to the pointer: thin bars are still easy to hit.
    const slack = 3 / scale;
    let nearest: Bar | undefined;
    let nearestDistance = Number.POSITIVE_INFINITY;
    for (let index = firstEndingAfter(lane, time - slack); index < lane.length; index++) {
      const bar = lane[index]!;
      if (bar.start > time + slack) break;
      const distance = time < bar.start ? bar.start - time : time > bar.end ? time - bar.end : 0;
      if (distance < nearestDistance) {
        nearest = bar;
        nearestDistance = distance;
      }
    }
    return nearest;
  };

  const zoom = (factor: number, center = (from + to) / 2): void => {
    const span = Math.max(1, Math.min(layout.duration, (to - from) * factor));
    from = Math.max(0, center - (center - from) * (span / (to - from)));
    to = from + span;
    if (to > layout.duration) {
      to = Math.max(1, layout.duration);
      from = Math.max(0, to - span);
    }
    zoomed = true;
    draw();
  };

  let frame = 0;
  const redraw = (): void => {
    if (frame) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      draw();
    });
  };
  scroller.addEventListener("scroll", redraw, { passive: true });
  canvas.addEventListener("mousemove", (event) => {
    const bar = barAt(event.clientX, event.clientY);
    canvas.style.cursor = bar ? "pointer" : "default";
    if (!bar) {
      tip.hidden = true;
      return;
    }
    tip.replaceChildren(...describe(bar));
    tip.hidden = false;
    const box = root.getBoundingClientRect();
    tip.style.left = `${Math.min(event.clientX - box.left + 12, box.width - 320)}px`;
    tip.style.top = `${event.clientY - box.top + 14}px`;
  });
  canvas.addEventListener("mouseleave", () => {
    tip.hidden = true;
  });
  canvas.addEventListener("click", (event) => {
    const bar = barAt(event.clientX, event.clientY);
    if (bar) open(bar.target);
  });
  canvas.addEventListener("dblclick", () => {
    showWhole();
    draw();
  });
  canvas.addEventListener(
    "wheel",
    (event) => {
      if (!event.ctrlKey && !event.shiftKey) return;
      event.preventDefault();
      const box = canvas.getBoundingClientRect();
      const time = from + ((event.clientX - box.left - GUTTER) / (box.width - GUTTER)) * (to - from);
      if (event.ctrlKey) zoom(event.deltaY > 0 ? 1.25 : 0.8, time);
      else {
        const shift = ((event.deltaY || event.deltaX) / (box.width - GUTTER)) * (to - from);
        const span = to - from;
        from = Math.min(Math.max(0, layout.duration - span), Math.max(0, from + shift));
        to = from + span;
        draw();
      }
    },
    { passive: false },
  );
  zoomIn.addEventListener("click", () => zoom(0.5));
  zoomOut.addEventListener("click", () => zoom(2));
  reset.addEventListener("click", () => {
    showWhole();
    draw();
  });

  const describeLayout = (): void => {
    const callLanes = Math.max(0, layout.lanes.length - 2);
    caption.textContent = `${formatCount(layout.bars)} bars over ${formatMilliseconds(layout.duration)}, ${formatCount(callLanes)} sub-call lane${callLanes === 1 ? "" : "s"} deep (times derived from the trajectory)`;
  };
  describeLayout();
  // Drawn once the box has a width, and again when it changes.
  new ResizeObserver(() => draw()).observe(scroller);

  return {
    element: root,
    update(next: TrajectoryRun): void {
      layout = layoutTimeline(next);
      if (!zoomed) showWhole();
      describeLayout();
      draw();
    },
    draw,
    get layout() {
      return layout;
    },
  };
}

function laneName(lane: number): string {
  if (lane === ROOT_LANE) return "root model";
  if (lane === CODE_LANE) return "code";
  return `calls ${lane - 1}`;
}

function describe(bar: Bar): Node[] {
  const lines: Node[] = [
    element("strong", undefined, bar.label),
    element(
      "div",
      "meta",
      `${formatMilliseconds(bar.start)} → ${formatMilliseconds(bar.end)} (${formatMilliseconds(bar.end - bar.start)})`,
    ),
  ];
  const call = bar.subCall;
  if (call) {
    if (call.usage) lines.push(element("div", "meta", formatTokens(call.usage)));
    if (call.error !== undefined) lines.push(element("div", "tip-error", `error: ${clip(call.error)}`));
    lines.push(element("div", "tip-text", `prompt: ${clip(call.prompt)}`));
    lines.push(element("div", "tip-text", `response: ${clip(call.response)}`));
    if (call.children) lines.push(element("div", "meta", `child RLM, ${call.children.length} iterations`));
  }
  lines.push(element("div", "meta", "click to open it below"));
  return lines;
}

function clip(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 160 ? `${line.slice(0, 160)}…` : line;
}

function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(Math.max(raw, 1e-3)));
  for (const multiple of [1, 2, 5, 10]) if (multiple * power >= raw) return multiple * power;
  return 10 * power;
}

function button(text: string, title: string): HTMLButtonElement {
  const made = element("button", "timeline-button", text);
  made.type = "button";
  made.title = title;
  return made;
}
