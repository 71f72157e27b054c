/** Static SVG charts: a frame with labelled axes, line series, stacked bars, grouped bars. */
import { esc } from "./escape.js";
import { fmtTick, fmtTime } from "./format.js";
import { type Style, seriesStyle } from "./palette.js";
import { type Scale, timeScale, valueScale } from "./scale.js";

export interface Series {
  name: string;
  /** One value per x position; NaN leaves a gap. */
  values: number[];
  style?: Style;
}

export interface TimeChart {
  title: string;
  yLabel: string;
  /** period_start of each x position, ms since epoch. */
  times: number[];
  series: Series[];
}

const W = 900;
const H = 300;
const M = { left: 72, right: 16, top: 12, bottom: 52 };

const styleOf = (s: Series, i: number) => s.style ?? seriesStyle(i);

function frame(title: string, yLabel: string, xLabel: string, body: string, h = H): string {
  return (
    `<svg viewBox="0 0 ${W} ${h}" role="img" aria-label="${esc(title)}">` +
    `<title>${esc(title)}</title>` +
    `<text class="axis-label" transform="translate(16 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>` +
    `<text class="axis-label" x="${(M.left + W - M.right) / 2}" y="${h - 8}" text-anchor="middle">${esc(xLabel)}</text>` +
    `${body}</svg>`
  );
}

function yAxis(y: Scale): string {
  return y.ticks
    .map(
      (t) =>
        `<line class="grid" x1="${M.left}" x2="${W - M.right}" y1="${y(t)}" y2="${y(t)}"/>` +
        `<text class="tick" x="${M.left - 6}" y="${y(t) + 4}" text-anchor="end">${fmtTick(t)}</text>`,
    )
    .join("");
}

function timeAxis(x: Scale, times: number[]): string {
  const multiDay = times.length > 0 && times[times.length - 1]! - times[0]! >= 86_400_000;
  return x.ticks
    .map(
      (t) =>
        `<line class="axis" x1="${x(t)}" x2="${x(t)}" y1="${H - M.bottom}" y2="${H - M.bottom + 5}"/>` +
        `<text class="tick" x="${x(t)}" y="${H - M.bottom + 18}" text-anchor="middle">${fmtTime(t, multiDay)}</text>`,
    )
    .join("");
}

const baseline = (y: Scale) =>
  `<line class="axis" x1="${M.left}" x2="${W - M.right}" y1="${y(0)}" y2="${y(0)}"/>`;

/** A polyline per series; a single point shows as a dot. */
export function lineChart(c: TimeChart): string {
  const t0 = Math.min(...c.times);
  const t1 = Math.max(...c.times);
  const x = timeScale(t0, t1, M.left, W - M.right);
  const y = valueScale(
    c.series.flatMap((s) => s.values),
    H - M.bottom,
    M.top,
  );
  const lines = c.series.map((s, i) => {
    const st = styleOf(s, i);
    const pts = s.values.flatMap((v, k) => (Number.isFinite(v) ? [`${x(c.times[k]!)},${y(v)}`] : []));
    const dash = st.dash ? ` stroke-dasharray="${st.dash}"` : "";
    const dots =
      pts.length === 1
        ? `<circle cx="${pts[0]!.split(",")[0]}" cy="${pts[0]!.split(",")[1]}" r="3" fill="${st.colour}"/>`
        : "";
    return `<polyline fill="none" stroke="${st.colour}" stroke-width="2"${dash} points="${pts.join(" ")}"><title>${esc(s.name)}</title></polyline>${dots}`;
  });
  return frame(
    c.title,
    c.yLabel,
    "period start (UTC)",
    yAxis(y) + timeAxis(x, c.times) + baseline(y) + lines.join(""),
  );
}

/** Bars per period, series stacked on each other (positive values; negatives stack below 0). */
export function stackedBarChart(c: TimeChart): string {
  const n = c.times.length;
  const slot = (W - M.left - M.right) / Math.max(n, 1);
  const totals = c.times.map((_, k) => c.series.reduce((a, s) => a + Math.max(0, s.values[k] || 0), 0));
  const y = valueScale(totals, H - M.bottom, M.top);
  const bars: string[] = [];
  for (let k = 0; k < n; k++) {
    let top = 0;
    c.series.forEach((s, i) => {
      const v = Math.max(0, s.values[k] || 0);
      if (v === 0) return;
      const st = styleOf(s, i);
      bars.push(
        `<rect x="${M.left + k * slot + slot * 0.1}" y="${y(top + v)}" width="${slot * 0.8}" height="${y(top) - y(top + v)}" fill="${st.colour}"><title>${esc(s.name)}: ${fmtTick(v)}</title></rect>`,
      );
      top += v;
    });
  }
  // Tick labels at slot centres, thinned to at most about 10.
  const every = Math.ceil(n / 10);
  const multiDay = n > 0 && c.times[n - 1]! - c.times[0]! >= 86_400_000;
  const ticks = c.times
    .map((t, k) =>
      k % every === 0
        ? `<text class="tick" x="${M.left + (k + 0.5) * slot}" y="${H - M.bottom + 18}" text-anchor="middle">${fmtTime(t, multiDay)}</text>`
        : "",
    )
    .join("");
  return frame(c.title, c.yLabel, "period start (UTC)", yAxis(y) + bars.join("") + ticks + baseline(y));
}

export interface GroupedBars {
  title: string;
  yLabel: string;
  categories: string[];
  series: Series[];
}

/** Vertical bars grouped per category (e.g. per tenant), one bar per series. */
export function groupedBarChart(c: GroupedBars): string {
  const n = c.categories.length;
  const slot = (W - M.left - M.right) / Math.max(n, 1);
  const bw = (slot * 0.8) / Math.max(c.series.length, 1);
  const y = valueScale(
    c.series.flatMap((s) => s.values),
    H - M.bottom,
    M.top,
  );
  const bars = c.categories.flatMap((cat, k) =>
    c.series.map((s, i) => {
      const v = s.values[k]!;
      if (!Number.isFinite(v)) return "";
      const y0 = Math.min(y(0), y(v));
      return `<rect x="${M.left + k * slot + slot * 0.1 + i * bw}" y="${y0}" width="${bw}" height="${Math.abs(y(0) - y(v))}" fill="${styleOf(s, i).colour}"><title>${esc(cat)} ${esc(s.name)}: ${fmtTick(v)}</title></rect>`;
    }),
  );
  const labels = c.categories
    .map((cat, k) => {
      const short = cat.length > 28 ? `${cat.slice(0, 27)}…` : cat;
      const x = M.left + (k + 0.5) * slot;
      const y0 = H - M.bottom + 14;
      return `<text class="tick" transform="translate(${x} ${y0}) rotate(-30)" text-anchor="end">${esc(short)}<title>${esc(cat)}</title></text>`;
    })
    .join("");
  // Room below the plot for the slanted category labels.
  return frame(c.title, c.yLabel, "tenant · model", yAxis(y) + bars.join("") + labels + baseline(y), H + 70);
}

/** An HTML legend: a swatch (line or block) and the series name for each series. */
export function legend(series: Series[]): string {
  const items = series.map((s, i) => {
    const st = styleOf(s, i);
    const dash = st.dash ? ` stroke-dasharray="${st.dash}"` : "";
    return `<li><svg width="28" height="10" aria-hidden="true"><line x1="0" x2="28" y1="5" y2="5" stroke="${st.colour}" stroke-width="4"${dash}/></svg> ${esc(s.name)}</li>`;
  });
  return `<ul class="legend">${items.join("")}</ul>`;
}
