/**
 * The two charts the HTML bench report needs, as inline SVG strings (no library, no script, no
 * CDN: the report opens offline): lines over a log-scaled x axis (score against context size) and
 * grouped bars (cost, time, fan-out ratio). A `stamp` (SIMULATED) is drawn on the chart itself, so
 * a chart copied out of the page keeps it. Every text is escaped.
 */

export interface Series {
  name: string;
  color: string;
  points: { x: number; y: number }[];
}

export interface ChartFrame {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Drawn across the chart (SIMULATED); none when empty. */
  stamp?: string;
}

const WIDTH = 420;
const HEIGHT = 240;
const PAD = { left: 52, right: 16, top: 30, bottom: 54 };
const PLOT_W = WIDTH - PAD.left - PAD.right;
const PLOT_H = HEIGHT - PAD.top - PAD.bottom;

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function short(value: number): string {
  if (value >= 1e6) return `${+(value / 1e6).toFixed(1)}M`;
  if (value >= 1e3) return `${+(value / 1e3).toFixed(1)}k`;
  return `${+value.toPrecision(3)}`;
}

function frame(chart: ChartFrame, body: string[], legend: { name: string; color: string }[]): string {
  const legendItems = legend.map(
    (item, index) =>
      `<g transform="translate(${PAD.left + 8 + index * 110},${PAD.top + 6})"><rect width="10" height="10" fill="${item.color}"/><text x="14" y="9" font-size="10">${escapeXml(item.name)}</text></g>`,
  );
  const stamp = chart.stamp
    ? `<text class="stamp" x="${WIDTH - PAD.right - 4}" y="${PAD.top + 38}" text-anchor="end" font-size="20" font-weight="700" fill="#b3261e" fill-opacity="0.55">${escapeXml(chart.stamp)}</text>`
    : "";
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeXml(chart.title)}" font-family="system-ui, sans-serif">`,
    `<text x="${WIDTH / 2}" y="16" text-anchor="middle" font-size="13" font-weight="600">${escapeXml(chart.title)}</text>`,
    `<rect x="${PAD.left}" y="${PAD.top}" width="${PLOT_W}" height="${PLOT_H}" fill="none" stroke="#d8dde3"/>`,
    ...body,
    `<text x="${PAD.left + PLOT_W / 2}" y="${HEIGHT - 4}" text-anchor="middle" font-size="11">${escapeXml(chart.xLabel)}</text>`,
    `<text transform="translate(12,${PAD.top + PLOT_H / 2}) rotate(-90)" text-anchor="middle" font-size="11">${escapeXml(chart.yLabel)}</text>`,
    ...legendItems,
    stamp,
    "</svg>",
  ].join("");
}

function yTicks(max: number): number[] {
  return [0, 0.25, 0.5, 0.75, 1].map((share) => share * max);
}

function yAxis(max: number, format: (value: number) => string): string[] {
  return yTicks(max).map((value) => {
    const y = PAD.top + PLOT_H - (value / max) * PLOT_H;
    return `<line x1="${PAD.left}" x2="${PAD.left + PLOT_W}" y1="${y}" y2="${y}" stroke="#eef2f6"/><text x="${PAD.left - 4}" y="${y + 3}" text-anchor="end" font-size="10">${escapeXml(format(value))}</text>`;
  });
}

/** Lines over x on a log scale (context sizes span orders of magnitude); y from 0 to `yMax`. */
export function lineChart(chart: ChartFrame, series: Series[], yMax = 1): string {
  const xs = [...new Set(series.flatMap((line) => line.points.map((point) => point.x)).filter((x) => x > 0))];
  const low = Math.log10(Math.min(...xs));
  const span = Math.log10(Math.max(...xs)) - low;
  // A margin of 8% each side keeps the end points off the frame; one size sits in the middle.
  const xOf = (x: number) =>
    PAD.left +
    (xs.length < 2 || span === 0 ? PLOT_W / 2 : (0.08 + (0.84 * (Math.log10(x) - low)) / span) * PLOT_W);
  const yOf = (y: number) => PAD.top + PLOT_H - (Math.min(y, yMax) / yMax) * PLOT_H;
  const xLabels = xs.map(
    (x) =>
      `<text x="${xOf(x)}" y="${PAD.top + PLOT_H + 14}" text-anchor="middle" font-size="10">${short(x)}</text>`,
  );
  // The first series is drawn last, on top (the RLM's line over the baseline's where they meet).
  const lines = [...series].reverse().map((line) => {
    const points = line.points.filter((point) => point.x > 0 && Number.isFinite(point.y));
    const path = points.map((point) => `${xOf(point.x)},${yOf(point.y)}`).join(" ");
    const dots = points.map(
      (point) =>
        `<circle cx="${xOf(point.x)}" cy="${yOf(point.y)}" r="3.5" fill="${line.color}"><title>${escapeXml(`${line.name}: ${short(point.x)} chars, ${point.y.toFixed(3)}`)}</title></circle>`,
    );
    const dash = line === series[0] ? "" : ' stroke-dasharray="6 3"';
    return `<polyline class="series" data-series="${escapeXml(line.name)}" points="${path}" fill="none" stroke="${line.color}" stroke-width="2"${dash}/>${dots.join("")}`;
  });
  return frame(chart, [...yAxis(yMax, (value) => value.toFixed(2)), ...xLabels, ...lines], series);
}

export interface BarGroup {
  label: string;
  values: { name: string; color: string; value: number }[];
}

/** Grouped bars from 0; `line` draws a reference (the bound) across the chart. */
export function barChart(
  chart: ChartFrame,
  groups: BarGroup[],
  format: (value: number) => string,
  line?: { value: number; label: string },
): string {
  const values = groups.flatMap((group) => group.values.map((bar) => bar.value)).filter(Number.isFinite);
  const max = Math.max(...values, line?.value ?? 0, 1e-9) * 1.15;
  const slot = PLOT_W / Math.max(groups.length, 1);
  const bars = groups.flatMap((group, index) => {
    const width = Math.min(28, (slot * 0.8) / Math.max(group.values.length, 1));
    const start = PAD.left + index * slot + (slot - width * group.values.length) / 2;
    const center = PAD.left + index * slot + slot / 2;
    const label = `<text transform="translate(${center + 4},${PAD.top + PLOT_H + 12}) rotate(-25)" text-anchor="end" font-size="10">${escapeXml(group.label)}</text>`;
    return [
      label,
      ...group.values.map((bar, position) => {
        const value = Number.isFinite(bar.value) ? bar.value : 0;
        const height = (value / max) * PLOT_H;
        return `<rect class="bar" x="${start + position * width}" y="${PAD.top + PLOT_H - height}" width="${width - 2}" height="${height}" fill="${bar.color}"><title>${escapeXml(`${group.label}, ${bar.name}: ${format(bar.value)}`)}</title></rect>`;
      }),
    ];
  });
  const reference = line
    ? `<line class="bound" x1="${PAD.left}" x2="${PAD.left + PLOT_W}" y1="${PAD.top + PLOT_H - (line.value / max) * PLOT_H}" y2="${PAD.top + PLOT_H - (line.value / max) * PLOT_H}" stroke="#1d2228" stroke-dasharray="4 3"/><text x="${PAD.left + PLOT_W - 4}" y="${PAD.top + PLOT_H - (line.value / max) * PLOT_H - 4}" text-anchor="end" font-size="10">${escapeXml(line.label)}</text>`
    : "";
  const legend = [...new Map(groups.flatMap((group) => group.values).map((bar) => [bar.name, bar])).values()];
  // All zero (simulated models cost nothing): say it rather than draw an empty chart.
  const allZero = values.length > 0 && values.every((value) => value === 0);
  const zero = allZero
    ? `<text x="${PAD.left + PLOT_W / 2}" y="${PAD.top + PLOT_H / 2}" text-anchor="middle" font-size="12" fill="#68707a">all ${escapeXml(format(0))}</text>`
    : "";
  return frame(chart, [...(allZero ? [] : yAxis(max, format)), ...bars, reference, zero], legend);
}
