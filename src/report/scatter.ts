/**
 * Points against a whole-number x (candidate order): each point filled or hollow (passed or
 * failed), with an optional 95 % interval whisker, and a ring and label on the points to
 * highlight (the chosen fleet).
 */
import { esc } from "./escape.js";
import { type Fmt, fmtTick } from "./format.js";
import { type Style, seriesStyle } from "./palette.js";
import { valueScale } from "./scale.js";
import { frame, H, M, r1, W, yAxis } from "./svg.js";

export interface ScatterPoint {
  x: number;
  y: number;
  low?: number;
  high?: number;
  /** Drawn as a ring: the candidate failed. */
  hollow?: boolean;
  /** Drawn with a black ring and this label above it. */
  highlight?: string;
  tip: string;
}

export interface ScatterSeries {
  name: string;
  points: ScatterPoint[];
  style?: Style;
}

export interface ScatterChart {
  title: string;
  xLabel: string;
  yLabel: string;
  series: ScatterSeries[];
  fmt?: Fmt;
  /** Stretch the y axis to 0 (default true); false zooms to the data. */
  zero?: boolean;
}

const X_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000];

export function scatterChart(c: ScatterChart): string {
  const pts = c.series.flatMap((s) => s.points);
  const xs = pts.map((p) => p.x);
  const x0 = (xs.length > 0 ? Math.min(...xs) : 0) - 0.5;
  const x1 = (xs.length > 0 ? Math.max(...xs) : 1) + 0.5;
  const left = M.left;
  const right = W - M.right;
  const x = (v: number) => left + ((v - x0) / (x1 - x0)) * (right - left);
  const step = X_STEPS.find((s) => (x1 - x0) / s <= 12) ?? 10000;
  const xTicks: number[] = [];
  for (let t = Math.ceil(x0 / step) * step; t <= x1; t += step) xTicks.push(t);
  const y = valueScale(
    pts.flatMap((p) => [p.y, p.low ?? Number.NaN, p.high ?? Number.NaN]),
    H - M.bottom,
    M.top + 14,
    { zero: c.zero ?? true },
  );
  const fmt = c.fmt ?? fmtTick;
  const xAxis =
    xTicks
      .map(
        (t) =>
          `<line class="axis" x1="${r1(x(t))}" x2="${r1(x(t))}" y1="${H - M.bottom}" y2="${H - M.bottom + 5}"/>` +
          `<text class="tick" x="${r1(x(t))}" y="${H - M.bottom + 18}" text-anchor="middle">${t}</text>`,
      )
      .join("") + `<line class="axis" x1="${left}" x2="${right}" y1="${H - M.bottom}" y2="${H - M.bottom}"/>`;
  const groups = c.series.map((s, i) => {
    const st = s.style ?? seriesStyle(i);
    const marks = s.points
      .filter((p) => Number.isFinite(p.y))
      .map((p) => {
        const cx = r1(x(p.x));
        const cy = r1(y(p.y));
        const whisker =
          p.low !== undefined && p.high !== undefined && Number.isFinite(p.low) && Number.isFinite(p.high)
            ? `<line x1="${cx}" x2="${cx}" y1="${r1(y(p.low))}" y2="${r1(y(p.high))}" stroke="${st.colour}" stroke-width="1.5"/>`
            : "";
        const fill = p.hollow ? "#fff" : st.colour;
        const ring = p.highlight
          ? `<circle cx="${cx}" cy="${cy}" r="9" fill="none" stroke="#111" stroke-width="1.5"/>` +
            `<text class="note" x="${cx}" y="${r1(cy - 13)}" text-anchor="middle">${esc(p.highlight)}</text>`
          : "";
        return `${whisker}<circle cx="${cx}" cy="${cy}" r="4.5" fill="${fill}" stroke="${st.colour}" stroke-width="2"><title>${esc(p.tip)} (${esc(fmt(p.y))})</title></circle>${ring}`;
      })
      .join("");
    return `<g class="series" data-series="${esc(s.name)}">${marks}</g>`;
  });
  return frame(c.title, c.yLabel, c.xLabel, yAxis(y, fmt) + xAxis + groups.join(""));
}

/** Legend entries for the point shapes: filled, hollow and the highlight ring. */
export function shapeLegend(filled: string, hollow: string, highlight?: string): string {
  const dot = (fill: string) =>
    `<svg width="28" height="14" aria-hidden="true"><circle cx="14" cy="7" r="4.5" fill="${fill}" stroke="#555" stroke-width="2"/></svg>`;
  const ring =
    '<svg width="28" height="22" aria-hidden="true"><circle cx="14" cy="11" r="4.5" fill="#555"/><circle cx="14" cy="11" r="9" fill="none" stroke="#111" stroke-width="1.5"/></svg>';
  return (
    `<li>${dot("#555")} ${esc(filled)}</li><li>${dot("#fff")} ${esc(hollow)}</li>` +
    (highlight ? `<li>${ring} ${esc(highlight)}</li>` : "")
  );
}
