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

/** Compact axis tick: 1.2k, 3.4M, 0.05. */
export function fmtTick(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${+(v / 1e9).toPrecision(3)}G`;
  if (a >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e3) return `${+(v / 1e3).toPrecision(3)}k`;
  return `${+v.toPrecision(3)}`;
}

/** A period_start as a short UTC label: `03-03 14:00`, or the date alone at midnight. */
export function fmtTime(ms: number, withDate: boolean): string {
  const iso = new Date(ms).toISOString();
  const date = iso.slice(5, 10);
  const time = iso.slice(11, 16);
  if (!withDate) return time;
  return time === "00:00" ? date : `${date} ${time}`;
}
