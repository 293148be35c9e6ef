import { escapeHtml, htmlBlock } from "./html.js";

export interface ChartSeries {
  name: string;
  /** One value per x label (same order as `xLabels`); `null` where the series has no value. */
  values: (number | null)[];
}

export interface LineChartOptions {
  title: string;
  /** Category labels along the x axis (dates, versions), in order. */
  xLabels: string[];
  series: ChartSeries[];
  yLabel: string;
  /** Horizontal reference lines, e.g. a benchmark target. */
  references?: { value: number; label: string }[];
  width?: number;
  height?: number;
}

// A colour-blind-safe palette (Okabe-Ito); series beyond it cycle.
const COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];

const round = (value: number) => Math.round(value * 10) / 10;

/** Rounds an axis maximum up to 1, 2 or 5 times a power of ten, so tick labels are readable. */
export function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 5, 10].find((factor) => factor * power >= value)!;
  return step * power;
}

function formatTick(value: number): string {
  if (value === 0) return "0";
  if (Math.abs(value) >= 1000) return value.toLocaleString("en-US", { maximumFractionDigits: 0 });
  return Number(value.toPrecision(3)).toString();
}

/**
 * A static SVG line chart (points joined per series, a legend, y ticks, optional reference lines), drawn at build
 * time: no client JavaScript, nothing to fail in the browser, readable in the page source. Each point has a
 * `<title>` tooltip with its exact value.
 */
export function lineChartSvg(options: LineChartOptions): string {
  const { title, xLabels, series, yLabel, references = [], width = 720, height = 300 } = options;
  const left = 64;
  // Room for half of the last x label, which is centred on the last point.
  const right = 48;
  const top = 28;
  const legendRows = Math.ceil(series.length / 2);
  const bottom = 48 + legendRows * 18;
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const values = [...series.flatMap((entry) => entry.values), ...references.map((line) => line.value)].filter(
    (value): value is number => value !== null && Number.isFinite(value),
  );
  const yMax = niceMax(Math.max(0, ...values));
  const x = (index: number) =>
    left + (xLabels.length <= 1 ? plotWidth / 2 : (index * plotWidth) / (xLabels.length - 1));
  const y = (value: number) => top + plotHeight - (value / yMax) * plotHeight;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(title)}" class="chart">`,
    `<title>${escapeHtml(title)}</title>`,
    `<text x="${left}" y="16" class="chart-title">${escapeHtml(title)}</text>`,
  ];
  for (let tick = 0; tick <= 4; tick++) {
    const value = (yMax * tick) / 4;
    parts.push(
      `<line x1="${left}" x2="${width - right}" y1="${round(y(value))}" y2="${round(y(value))}" class="chart-grid"/>`,
      `<text x="${left - 6}" y="${round(y(value)) + 4}" text-anchor="end" class="chart-tick">${formatTick(value)}</text>`,
    );
  }
  parts.push(
    `<text transform="translate(14 ${round(top + plotHeight / 2)}) rotate(-90)" text-anchor="middle" class="chart-axis">${escapeHtml(yLabel)}</text>`,
  );
  // Show at most ~8 x labels so dates do not overlap.
  const every = Math.max(1, Math.ceil(xLabels.length / 8));
  xLabels.forEach((label, index) => {
    if (index % every !== 0 && index !== xLabels.length - 1) return;
    parts.push(
      `<text x="${round(x(index))}" y="${top + plotHeight + 16}" text-anchor="middle" class="chart-tick">${escapeHtml(label)}</text>`,
    );
  });
  for (const line of references) {
    parts.push(
      `<line x1="${left}" x2="${width - right}" y1="${round(y(line.value))}" y2="${round(y(line.value))}" class="chart-reference"/>`,
      `<text x="${width - right}" y="${round(y(line.value)) - 4}" text-anchor="end" class="chart-tick">${escapeHtml(line.label)}</text>`,
    );
  }
  series.forEach((entry, seriesIndex) => {
    const colour = COLOURS[seriesIndex % COLOURS.length]!;
    const points = entry.values
      .map((value, index) => (value === null || !Number.isFinite(value) ? undefined : { index, value }))
      .filter((point): point is { index: number; value: number } => point !== undefined);
    if (points.length > 1) {
      const path = points.map((point) => `${round(x(point.index))},${round(y(point.value))}`).join(" ");
      parts.push(`<polyline points="${path}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    }
    for (const point of points) {
      parts.push(
        `<circle cx="${round(x(point.index))}" cy="${round(y(point.value))}" r="3.5" fill="${colour}"><title>${escapeHtml(`${entry.name}, ${xLabels[point.index]}: ${formatTick(point.value)}`)}</title></circle>`,
      );
    }
    const legendX = left + (seriesIndex % 2) * (plotWidth / 2);
    const legendY = top + plotHeight + 34 + Math.floor(seriesIndex / 2) * 18;
    parts.push(
      `<rect x="${round(legendX)}" y="${legendY - 9}" width="12" height="12" fill="${colour}"/>`,
      `<text x="${round(legendX + 18)}" y="${legendY + 1}" class="chart-legend">${escapeHtml(entry.name)}</text>`,
    );
  });
  parts.push("</svg>");
  return htmlBlock("figure", { class: "chart-figure" }, parts.join(""));
}
