/** Number formatting for the report: short tick labels and table cells. */

/** A CSV cell as a number; empty (undefined) cells become NaN. */
export function num(cell: string | undefined): number {
  return cell === undefined || cell === "" ? Number.NaN : Number(cell);
}

export function fmtNumber(v: number, digits = 2): string {
  if (!Number.isFinite(v)) return "–";
  return v.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

export function fmtUsd(v: number): string {
  if (!Number.isFinite(v)) return "–";
  const sign = v < 0 ? "−" : "";
  return `${sign}$${Math.abs(v).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

export function fmtPct(v: number): string {
  return Number.isFinite(v) ? `${(v * 100).toFixed(2)} %` : "–";
}

/** Compact axis tick: 1.2k, 3.4M, 0.05, to `precision` significant digits. */
export function fmtTick(v: number, precision = 3): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${+(v / 1e9).toPrecision(precision)}G`;
  if (a >= 1e6) return `${+(v / 1e6).toPrecision(precision)}M`;
  if (a >= 1e3) return `${+(v / 1e3).toPrecision(precision)}k`;
  return `${+v.toPrecision(precision)}`;
}

/** A formatter that takes a number of significant digits (3 unless asked for more). */
export type Fmt = (v: number, precision?: number) => string;

/** Tick labels with the fewest significant digits (from 3) that tell every tick apart. */
export function tickLabels(ticks: number[], fmt: Fmt): string[] {
  for (let p = 3; p < 12; p++) {
    const labels = ticks.map((t) => fmt(t, p));
    if (new Set(labels).size === labels.length) return labels;
  }
  return ticks.map((t) => fmt(t, 12));
}

/** A period_start as a short UTC label: `03-03 14:00`, or the date alone at midnight. */
export function fmtTime(ms: number, withDate: boolean): string {
  const iso = new Date(ms).toISOString();
  const date = iso.slice(5, 10);
  const time = iso.slice(11, 16);
  if (!withDate) return time;
  return time === "00:00" ? date : `${date} ${time}`;
}
