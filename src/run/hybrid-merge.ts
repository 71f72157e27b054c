/**
 * Joins a request-level window run into the fluid run of a hybrid scenario. The fluid run left the
 * window's report intervals unrecorded (src/fluid/fluid-state.ts), so the window's grid cells and
 * usage rows are simply the request engine's (moved to the window's intervals), and its statistics
 * are added: counts, token sums, latency sums and the latency histograms, which only windows fill,
 * so every percentile of a hybrid run comes from its windows' requests. Money is computed later
 * from the merged usage rows, so revenue and cost stay consistent with them.
 */

import type { RunResult } from "../contract/run-result.js";
import { GRID_KEYS, type GridKey, type IntervalGrid } from "../metrics/interval-grid.js";
import type { UsageRow } from "../metrics/usage-ledger.js";

/** What a merge reads of a window's run (a RunResult, or one rebuilt from a worker's result). */
export type WindowRun = Pick<
  RunResult,
  | "intervals"
  | "stats"
  | "statOfWorkload"
  | "interrupted"
  | "preempted"
  | "inSystemSeconds"
  | "events"
  | "topology"
> & {
  grid: Pick<IntervalGrid, GridKey | "groups">;
  usage: { rows: UsageRow[] };
};

/** Adds `win` (a run of the window starting at report interval `firstInterval`) into `into`. */
export function mergeWindow(into: RunResult, win: WindowRun, firstInterval: number): void {
  checkSameLayout(into, win);
  const G = into.grid.groups;
  const cells = win.intervals * G;
  const offset = firstInterval * G;
  if (offset + cells > into.grid.present.length) {
    throw new Error(`window of ${win.intervals} intervals at ${firstInterval} passes the run's end`);
  }
  for (const key of GRID_KEYS) {
    into.grid[key].set(win.grid[key].subarray(0, cells), offset);
  }
  for (const row of win.usage.rows) into.usage.rows.push({ ...row, interval: row.interval + firstInterval });
  for (const [i, w] of win.stats.entries()) into.stats[i].add(w);
  into.interrupted += win.interrupted;
  into.preempted = (into.preempted ?? 0) + (win.preempted ?? 0);
  into.inSystemSeconds += win.inSystemSeconds;
  into.events += win.events;
}

/** The window run must lay out groups and statistics rows as the whole run does (same scenario). */
function checkSameLayout(into: RunResult, win: WindowRun): void {
  const groups = (r: WindowRun) => r.topology.groups.map((g) => `${g.pool.id}/${g.model.id}`).join(",");
  const rows = (r: WindowRun) => r.stats.map((st) => `${st.tenantIndex}/${st.modelIndex}`).join(",");
  if (groups(into) !== groups(win) || rows(into) !== rows(win) || into.grid.groups !== win.grid.groups) {
    throw new Error("hybrid: a window run laid out its replica groups or statistics rows differently");
  }
  if (into.statOfWorkload.join(",") !== win.statOfWorkload.join(",")) {
    throw new Error("hybrid: a window run mapped its workloads to statistics rows differently");
  }
}
