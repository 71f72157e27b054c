/**
 * A pool's cost in each report interval, charged to the models it served in proportion to their
 * busy accelerator-seconds (busy replica-seconds x accelerators per replica); what no replica was
 * busy for stays visible as an IDLE line.
 */
import type { RunResult } from "../contract/run-result.js";
import type { PoolIntervalCost } from "./infrastructure-cost.js";
import { type CostLine, IDLE } from "./lines.js";
import { splitMicro } from "./money.js";

/** Weights of a pool interval's groups (busy accelerator-seconds) and, last, of its idle time. */
export function busyAndIdleWeights(c: PoolIntervalCost): number[] {
  const busy = c.busyAcceleratorSeconds.reduce((a, b) => a + b, 0);
  return [...c.busyAcceleratorSeconds, Math.max(0, c.presentAcceleratorSeconds - busy)];
}

export function attributeCost(run: RunResult, costs: PoolIntervalCost[]): CostLine[] {
  const lines: CostLine[] = [];
  for (const c of costs) {
    const groups = run.topology.groupsByPool[c.pool];
    const parts = splitMicro(c.total, busyAndIdleWeights(c));
    groups.forEach((g, i) => {
      lines.push({
        interval: c.interval,
        pool: c.pool,
        model: run.topology.groups[g].modelIndex,
        cost: parts[i],
      });
    });
    lines.push({ interval: c.interval, pool: c.pool, model: IDLE, cost: parts[groups.length] });
  }
  return lines;
}
