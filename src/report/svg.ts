/**
 * Static SVG charts: a frame with labelled axes; line series over time (with a min-max band when
 * intervals are grouped), stacked bars over time, horizontal bars per category (linear or log,
 * with a threshold mark per row), and means with 95 % intervals against categories.
 */
import { esc } from "./escape.js";
import { type Fmt, fmtTick, fmtTime, tickLabels } from "./format.js";
import { type Style, seriesStyle } from "./palette.js";
import { logScale, type Scale, timeScale, valueScale } from "./scale.js";

export interface Series {
  name: string;
  /** One value per x position; NaN leaves a gap. */
  values: number[];
  /** A shaded band from low to high (the range inside a grouped bucket, or a 95 % interval). */
  low?: number[];
  high?: number[];
  style?: Style;
}

export interface TimeChart {
  title: string;
  yLabel: string;
  /** Start of each x position, ms since epoch. */
  times: number[];
  /** Width of one x position in ms (the report interval or the bucket). */
  width: number;
  /** End of each x position when the last is shorter than `width` (a partial bucket). */
  ends?: number[];
  series: Series[];
}

/** The drawing size every chart shares (viewBox units) and its margins; exported for charts in other modules. */
export const W = 900;
export const H = 300;
export const M = { left: 72, right: 16, top: 32, bottom: 52 };
/** Average advance of an 11 px system-ui glyph, for sizing label columns (generous on purpose). */
export const CHAR_PX = 6.6;

const styleOf = (s: Series, i: number) => s.style ?? seriesStyle(i);
export const r1 = (v: number) => Math.round(v * 10) / 10;

export function frame(
  title: string,
  yLabel: string,
  xLabel: string,
  body: string,
  h = H,
  left = M.left,
): string {
  return (
    `<svg viewBox="0 0 ${W} ${h}" role="img" aria-label="${esc(title)}" data-chart="${esc(title)}">` +
    `<title>${esc(title)}</title>` +
    `<text class="chart-title" x="${left}" y="18">${esc(title)}</text>` +
    (yLabel
      ? `<text class="axis-label" transform="translate(16 ${(M.top + h - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`
      : "") +
    `<text class="axis-label" x="${(left + W - M.right) / 2}" y="${h - 8}" text-anchor="middle">${esc(xLabel)}</text>` +
    `${body}</svg>`
  );
}

export function yAxis(y: Scale, fmt: Fmt = fmtTick): string {
  const labels = tickLabels(y.ticks, fmt);
  return y.ticks
    .map(
      (t, i) =>
        `<line class="grid" x1="${M.left}" x2="${W - M.right}" y1="${r1(y(t))}" y2="${r1(y(t))}"/>` +
        `<text class="tick" x="${M.left - 6}" y="${r1(y(t)) + 4}" text-anchor="end">${esc(labels[i]!)}</text>`,
    )
    .join("");
}

/** The horizontal charts' value axis: a grid line at each tick from `top` to `bottom`, labelled below. */
function xAxis(x: Scale, fmt: Fmt, top: number, bottom: number): string {
  const labels = tickLabels(x.ticks, fmt);
  return x.ticks
    .map(
      (t, i) =>
        `<line class="grid" x1="${r1(x(t))}" x2="${r1(x(t))}" y1="${top}" y2="${bottom}"/>` +
        `<text class="tick" x="${r1(x(t))}" y="${bottom + 16}" text-anchor="middle">${esc(labels[i]!)}</text>`,
    )
    .join("");
}

function timeAxis(x: Scale, t0: number, t1: number): string {
  const multiDay = t1 - t0 > 86_400_000;
  return x.ticks
    .map(
      (t) =>
        `<line class="axis" x1="${r1(x(t))}" x2="${r1(x(t))}" y1="${H - M.bottom}" y2="${H - M.bottom + 5}"/>` +
        `<text class="tick" x="${r1(x(t))}" y="${H - M.bottom + 18}" text-anchor="middle">${fmtTime(t, multiDay)}</text>`,
    )
    .join("");
}

/** The zero line when 0 is inside the domain, else the bottom edge of the plot. */
const baseline = (y: Scale) => {
  const at = y.lo <= 0 && y.hi >= 0 ? y(0) : H - M.bottom;
  return `<line class="axis" x1="${M.left}" x2="${W - M.right}" y1="${r1(at)}" y2="${r1(at)}"/>`;
};

const xTitle = (times: number[]) =>
  times.length > 0
    ? `period start (UTC, from ${new Date(times[0]!).toISOString().slice(0, 10)})`
    : "period start (UTC)";

/** A polyline per series at the middle of each x position, with its band when given. */
export function lineChart(c: TimeChart): string {
  const t0 = c.times[0] ?? 0;
  const end = (k: number) => c.ends?.[k] ?? c.times[k]! + c.width;
  const t1 = c.times.length > 0 ? end(c.times.length - 1) : c.width;
  const x = timeScale(t0, t1, M.left, W - M.right);
  const y = valueScale(
    c.series.flatMap((s) => [...s.values, ...(s.low ?? []), ...(s.high ?? [])]),
    H - M.bottom,
    M.top,
  );
  const mid = (k: number) => r1(x((c.times[k]! + end(k)) / 2));
  const lines = c.series.map((s, i) => {
    const st = styleOf(s, i);
    let band = "";
    if (s.low && s.high) {
      const ks = c.times
        .map((_, k) => k)
        .filter((k) => Number.isFinite(s.low![k]) && Number.isFinite(s.high![k]));
      const top = ks.map((k) => `${mid(k)},${r1(y(s.high![k]!))}`);
      const bottom = ks.reverse().map((k) => `${mid(k)},${r1(y(s.low![k]!))}`);
      if (ks.length > 1)
        band = `<polygon class="band" fill="${st.colour}" fill-opacity="0.15" stroke="none" points="${[...top, ...bottom].join(" ")}"/>`;
    }
    const pts = s.values.flatMap((v, k) => (Number.isFinite(v) ? [`${mid(k)},${r1(y(v))}`] : []));
    const dash = st.dash ? ` stroke-dasharray="${st.dash}"` : "";
    const dot =
      pts.length === 1
        ? `<circle cx="${pts[0]!.split(",")[0]}" cy="${pts[0]!.split(",")[1]}" r="3" fill="${st.colour}"/>`
        : "";
    return `${band}<polyline class="series" data-series="${esc(s.name)}" fill="none" stroke="${st.colour}" stroke-width="2"${dash} points="${pts.join(" ")}"><title>${esc(s.name)}</title></polyline>${dot}`;
  });
  return frame(
    c.title,
    c.yLabel,
    xTitle(c.times),
    yAxis(y) + timeAxis(x, t0, t1) + baseline(y) + lines.join(""),
  );
}

/** Bars per x position, series stacked on each other (negative values are left out). */
export function stackedBarChart(c: TimeChart): string {
  const t0 = c.times[0] ?? 0;
  const end = (k: number) => c.ends?.[k] ?? c.times[k]! + c.width;
  const t1 = c.times.length > 0 ? end(c.times.length - 1) : c.width;
  const x = timeScale(t0, t1, M.left, W - M.right);
  const totals = c.times.map((_, k) => c.series.reduce((a, s) => a + Math.max(0, s.values[k] || 0), 0));
  const y = valueScale(totals, H - M.bottom, M.top);
  const full = x(t0 + c.width) - x(t0);
  const gap = full > 4 ? full * 0.1 : 0;
  const groups = c.series.map((s, i) => {
    const st = styleOf(s, i);
    const rects: string[] = [];
    c.times.forEach((t, k) => {
      const v = Math.max(0, s.values[k] || 0);
      if (v === 0) return;
      let below = 0;
      for (let j = 0; j < i; j++) below += Math.max(0, c.series[j]!.values[k] || 0);
      const bw = Math.max(x(end(k)) - x(t), 0.5);
      rects.push(
        `<rect x="${r1(x(t) + gap / 2)}" y="${r1(y(below + v))}" width="${r1(Math.max(bw - gap, 0.5))}" height="${r1(y(below) - y(below + v))}"><title>${esc(s.name)}: ${fmtTick(v)}</title></rect>`,
      );
    });
    return `<g class="series" data-series="${esc(s.name)}" fill="${st.colour}">${rects.join("")}</g>`;
  });
  return frame(
    c.title,
    c.yLabel,
    xTitle(c.times),
    yAxis(y) + groups.join("") + timeAxis(x, t0, t1) + baseline(y),
  );
}

/** Splits a label into lines of at most `max` characters, at " · " or spaces where it can; never drops text. */
export function wrapLabel(label: string, max: number): string[] {
  if (label.length <= max) return [label];
  const lines: string[] = [];
  let rest = label;
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    const cut = Math.max(window.lastIndexOf(" · "), window.lastIndexOf(" "));
    const at = cut > 0 ? cut : max;
    lines.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).replace(/^ ·? ?/, "");
  }
  if (rest) lines.push(rest);
  return lines;
}

export interface BarRow {
  label: string;
  /** One value per series; NaN draws no bar. */
  values: number[];
  /** A threshold for this row (an SLO bound), drawn as a red mark across its bars. */
  mark?: number;
  /** Text at the right end of the row (the figure in words). */
  note?: string;
}

export interface HBarChart {
  title: string;
  xLabel: string;
  series: { name: string; style?: Style }[];
  rows: BarRow[];
  log?: boolean;
  /** How a tick or value reads (default: compact number). */
  fmt?: Fmt;
  /** What the red mark is, for its tooltip ("SLO", "SLA allowance"). */
  markName?: string;
}

/** One row per category, a horizontal bar per series; labels in a column sized to fit them. */
export function hbarChart(c: HBarChart): string {
  const fmt = c.fmt ?? fmtTick;
  const maxChars = 44;
  const wrapped = c.rows.map((r) => wrapLabel(r.label, maxChars));
  const longest = Math.max(4, ...wrapped.flat().map((l) => l.length));
  const left = Math.ceil(longest * CHAR_PX) + 16;
  const noteW = c.rows.some((r) => r.note)
    ? Math.ceil(Math.max(...c.rows.map((r) => (r.note ?? "").length)) * CHAR_PX) + 12
    : 0;
  const right = W - M.right - noteW;
  const nb = Math.max(c.series.length, 1);
  const barH = 12;
  const rowH = (k: number) => Math.max(nb * barH + 10, wrapped[k]!.length * 14 + 8);
  const tops: number[] = [];
  let yPos = M.top + 8;
  c.rows.forEach((_, k) => {
    tops.push(yPos);
    yPos += rowH(k);
  });
  const plotBottom = yPos;
  const h = plotBottom + M.bottom;
  const all = [...c.rows.flatMap((r) => r.values), ...c.rows.map((r) => r.mark ?? Number.NaN)];
  const x = c.log ? logScale(all, left, right) : valueScale(all, left, right);
  const grid = xAxis(x, fmt, M.top + 4, plotBottom);
  const origin = c.log ? left : x(Math.max(0, x.lo));
  const seriesBars = c.series.map((s, i) => {
    const st = s.style ?? seriesStyle(i);
    const rects = c.rows.flatMap((r, k) => {
      const v = r.values[i]!;
      if (!Number.isFinite(v) || (c.log && v <= 0)) return [];
      const xv = x(v);
      const y0 = tops[k]! + (rowH(k) - nb * barH) / 2 + i * barH;
      return [
        `<rect x="${r1(Math.min(origin, xv))}" y="${r1(y0)}" width="${r1(Math.max(Math.abs(xv - origin), 1))}" height="${barH - 2}"><title>${esc(r.label)} ${esc(s.name)}: ${esc(fmt(v))}</title></rect>`,
      ];
    });
    return `<g class="series" data-series="${esc(s.name)}" fill="${st.colour}">${rects.join("")}</g>`;
  });
  const labels = c.rows
    .map((_, k) => {
      const lines = wrapped[k]!;
      const mid = tops[k]! + rowH(k) / 2 - ((lines.length - 1) * 14) / 2 + 4;
      const tspans = lines
        .map((l, j) => `<tspan x="${left - 8}" y="${r1(mid + j * 14)}">${esc(l)}</tspan>`)
        .join("");
      return `<text class="tick" text-anchor="end">${tspans}</text>`;
    })
    .join("");
  const marks = c.rows
    .map((r, k) =>
      r.mark !== undefined && Number.isFinite(r.mark) && (!c.log || r.mark > 0)
        ? `<line class="mark" x1="${r1(x(r.mark))}" x2="${r1(x(r.mark))}" y1="${tops[k]! + 2}" y2="${tops[k]! + rowH(k) - 2}"><title>${esc(c.markName ?? "threshold")}: ${esc(fmt(r.mark))}</title></line>`
        : "",
    )
    .join("");
  const notes = c.rows
    .map((r, k) =>
      r.note
        ? `<text class="note" x="${W - M.right}" y="${r1(tops[k]! + rowH(k) / 2 + 4)}" text-anchor="end">${esc(r.note)}</text>`
        : "",
    )
    .join("");
  const stripes = c.rows
    .map((_, k) =>
      k % 2 === 1
        ? `<rect class="stripe" x="${left}" y="${tops[k]}" width="${right - left}" height="${rowH(k)}"/>`
        : "",
    )
    .join("");
  const axis = `<line class="axis" x1="${r1(origin)}" x2="${r1(origin)}" y1="${M.top + 4}" y2="${plotBottom}"/>`;
  return frame(
    c.title,
    "",
    c.xLabel,
    stripes + grid + seriesBars.join("") + axis + marks + labels + notes,
    h,
    left,
  );
}

export interface IntervalSeries {
  name: string;
  mean: number[];
  low: number[];
  high: number[];
  style?: Style;
}

export interface IntervalChart {
  title: string;
  yLabel: string;
  xLabel: string;
  /** The varied values, in the order given. */
  categories: string[];
  series: IntervalSeries[];
  fmt?: Fmt;
}

/** Means (points joined by a line) with 95 % interval whiskers, against categories. */
export function intervalChart(c: IntervalChart): string {
  const n = c.categories.length;
  const slot = (W - M.left - M.right) / Math.max(n, 1);
  const y = valueScale(
    c.series.flatMap((s) => [...s.mean, ...s.low, ...s.high]),
    H - M.bottom,
    M.top,
    { zero: false },
  );
  const ns = Math.max(c.series.length, 1);
  const offset = (i: number) => (ns === 1 ? 0 : ((i - (ns - 1) / 2) * Math.min(slot * 0.5, 60)) / ns);
  const cx = (k: number, i: number) => r1(M.left + (k + 0.5) * slot + offset(i));
  const groups = c.series.map((s, i) => {
    const st = s.style ?? seriesStyle(i);
    const pts = s.mean.flatMap((v, k) => (Number.isFinite(v) ? [`${cx(k, i)},${r1(y(v))}`] : []));
    const whiskers = s.mean
      .map((v, k) => {
        if (!Number.isFinite(v)) return "";
        const lo = s.low[k]!;
        const hi = s.high[k]!;
        const tip = `${esc(s.name)} at ${esc(c.categories[k]!)}: ${fmtTick(v)}${Number.isFinite(lo) ? ` (95 % CI ${fmtTick(lo)} – ${fmtTick(hi)})` : ""}`;
        const bar =
          Number.isFinite(lo) && Number.isFinite(hi)
            ? `<line x1="${cx(k, i)}" x2="${cx(k, i)}" y1="${r1(y(lo))}" y2="${r1(y(hi))}" stroke-width="1.5"/>` +
              `<line x1="${cx(k, i) - 5}" x2="${cx(k, i) + 5}" y1="${r1(y(lo))}" y2="${r1(y(lo))}" stroke-width="1.5"/>` +
              `<line x1="${cx(k, i) - 5}" x2="${cx(k, i) + 5}" y1="${r1(y(hi))}" y2="${r1(y(hi))}" stroke-width="1.5"/>`
            : "";
        return `${bar}<circle cx="${cx(k, i)}" cy="${r1(y(v))}" r="4" fill="${st.colour}"><title>${tip}</title></circle>`;
      })
      .join("");
    const dash = st.dash ? ` stroke-dasharray="${st.dash}"` : "";
    return `<g class="series" data-series="${esc(s.name)}" stroke="${st.colour}"><polyline fill="none" stroke-width="1.5" stroke-opacity="0.6"${dash} points="${pts.join(" ")}"/>${whiskers}</g>`;
  });
  const maxChars = Math.max(6, Math.floor(slot / CHAR_PX));
  const labels = c.categories
    .map((cat, k) => {
      const lines = wrapLabel(cat, maxChars);
      const x = r1(M.left + (k + 0.5) * slot);
      return `<text class="tick" text-anchor="middle">${lines.map((l, j) => `<tspan x="${x}" y="${H - M.bottom + 18 + j * 13}">${esc(l)}</tspan>`).join("")}</text>`;
    })
    .join("");
  return frame(c.title, c.yLabel, c.xLabel, yAxis(y, c.fmt) + labels + groups.join(""), H + 14);
}

/** An HTML legend: a swatch (line or block) and the series name for each series. */
export function legend(series: { name: string; style?: Style }[], extra = ""): string {
  const items = series.map((s, i) => {
    const st = s.style ?? seriesStyle(i);
    const dash = st.dash ? ` stroke-dasharray="${st.dash}"` : "";
    return `<li><svg width="28" height="10" aria-hidden="true"><line x1="0" x2="28" y1="5" y2="5" stroke="${st.colour}" stroke-width="4"${dash}/></svg> ${esc(s.name)}</li>`;
  });
  return `<ul class="legend">${items.join("")}${extra}</ul>`;
}

/** A legend entry for the red threshold mark. */
export const markLegend = (name: string) =>
  `<li><svg width="28" height="10" aria-hidden="true"><line x1="14" x2="14" y1="0" y2="10" class="mark"/></svg> ${esc(name)}</li>`;

export interface ForestRow {
  label: string;
  mean: number;
  low: number;
  high: number;
  note?: string;
}

/** One row per figure: its estimate and 95 % interval as a whisker, against a zero line. */
export function forestChart(c: { title: string; xLabel: string; rows: ForestRow[]; fmt?: Fmt }): string {
  const fmt = c.fmt ?? fmtTick;
  const longest = Math.max(4, ...c.rows.map((r) => r.label.length));
  const left = Math.ceil(longest * CHAR_PX) + 16;
  const noteW = Math.ceil(Math.max(0, ...c.rows.map((r) => (r.note ?? "").length)) * CHAR_PX) + 12;
  const right = W - M.right - noteW;
  const rowH = 22;
  const top = M.top + 4;
  const plotBottom = top + c.rows.length * rowH;
  const h = plotBottom + M.bottom;
  const x = valueScale(
    c.rows.flatMap((r) => [r.mean, r.low, r.high]),
    left,
    right,
  );
  const grid = xAxis(x, fmt, top, plotBottom);
  const zero = `<line class="axis" x1="${r1(x(0))}" x2="${r1(x(0))}" y1="${top}" y2="${plotBottom}" stroke-width="1.5"/>`;
  const st = seriesStyle(0);
  const items = c.rows
    .map((r, k) => {
      const cy = r1(top + k * rowH + rowH / 2);
      const stripe =
        k % 2 === 1
          ? `<rect class="stripe" x="${left}" y="${top + k * rowH}" width="${right - left}" height="${rowH}"/>`
          : "";
      const label = `<text class="tick" x="${left - 8}" y="${cy + 4}" text-anchor="end">${esc(r.label)}</text>`;
      const note = r.note
        ? `<text class="note" x="${W - M.right}" y="${cy + 4}" text-anchor="end">${esc(r.note)}</text>`
        : "";
      if (!Number.isFinite(r.mean)) return stripe + label + note;
      const whisker =
        Number.isFinite(r.low) && Number.isFinite(r.high)
          ? `<line x1="${r1(x(r.low))}" x2="${r1(x(r.high))}" y1="${cy}" y2="${cy}" stroke="${st.colour}" stroke-width="2"/>` +
            `<line x1="${r1(x(r.low))}" x2="${r1(x(r.low))}" y1="${cy - 5}" y2="${cy + 5}" stroke="${st.colour}" stroke-width="2"/>` +
            `<line x1="${r1(x(r.high))}" x2="${r1(x(r.high))}" y1="${cy - 5}" y2="${cy + 5}" stroke="${st.colour}" stroke-width="2"/>`
          : "";
      return `${stripe}${label}${whisker}<circle cx="${r1(x(r.mean))}" cy="${cy}" r="4" fill="${st.colour}"><title>${esc(r.label)}: ${esc(fmt(r.mean))}</title></circle>${note}`;
    })
    .join("");
  const body = `${grid}${zero}<g class="series" data-series="B − A">${items}</g>`;
  return frame(c.title, "", c.xLabel, body, h, left);
}
