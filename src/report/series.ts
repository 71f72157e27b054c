/** Turns long-format CSV rows (period x key) into one value series per key over the periods. */
import { num } from "./format.js";
import type { Row } from "./read-run.js";

export interface Pivot {
  /** Sorted period starts, ms since epoch. */
  times: number[];
  keys: string[];
  /** value(key, column)[k] is the value at times[k]; NaN where the key has no row. */
  value(key: string, column: string): number[];
}

export function pivot(rows: Row[], keyColumn: string): Pivot {
  const times = [...new Set(rows.map((r) => Date.parse(r.period_start ?? "")))]
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const index = new Map(times.map((t, k) => [t, k]));
  const keys = [...new Set(rows.map((r) => r[keyColumn] ?? ""))];
  return {
    times,
    keys,
    value(key, column) {
      const out = times.map(() => Number.NaN);
      for (const r of rows) {
        if (r[keyColumn] !== key) continue;
        const k = index.get(Date.parse(r.period_start ?? ""));
        if (k !== undefined) out[k] = num(r[column]);
      }
      return out;
    },
  };
}
