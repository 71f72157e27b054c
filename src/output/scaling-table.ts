/**
 * scaling.csv: the autoscaler's log, one row per action in time order (docs/outputs.md). A run
 * without autoscaling writes the header alone, so every run folder has the same files.
 */
import type { RunResult } from "../contract/run-result.js";
import { type Cell, freeText, int, num, type Table, text, time } from "./csv.js";

export function scalingTable(run: RunResult): Table {
  const s = run.scenario;
  const rows: Cell[][] = (run.scaling?.events ?? []).map((e) => [
    time(s.startMs + e.time * 1000),
    num(e.time, 3),
    text(e.pool >= 0 ? s.fleet.pools[e.pool].id : ""),
    text(e.model >= 0 ? s.models[e.model].id : ""),
    text(e.action),
    int(e.from),
    int(e.to),
    e.replica >= 0 ? int(e.replica) : num(null),
    freeText(e.reason),
  ]);
  return {
    columns: ["time", "time_s", "pool", "model", "action", "from", "to", "replica", "reason"],
    rows,
  };
}

/** Per report interval x pool: mean replicas present of each model (serving or draining), by model index. */
export function replicasByModel(run: RunResult, interval: number, pool: number): Float64Array {
  const out = new Float64Array(run.scenario.models.length);
  const start = interval * run.scenario.reportInterval;
  const span = Math.min(run.scenario.reportInterval, run.scenario.horizon - start);
  for (const g of run.topology.groupsByPool[pool]) {
    out[run.topology.groups[g].modelIndex] += run.grid.present[run.grid.at(interval, g)] / span;
  }
  return out;
}
