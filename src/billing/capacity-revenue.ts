/**
 * Capacity contracts: the tenant pays for every node-hour of the pools reserved for it, used or
 * not, at the profile's price_usd_per_hour x (1 - discount). Node-hours are those present (as in
 * the pool's cost: nodes added or removed mid-run count while present). The amount is converted to
 * money once per pool over the run, then attributed like the pool's cost: to report intervals and
 * models by busy accelerator-seconds, the idle remainder to the IDLE line.
 */

import { profileOf } from "../contract/cost-rates.js";
import type { RunResult } from "../contract/run-result.js";
import { busyAndIdleWeights } from "./cost-attribution.js";
import type { PoolIntervalCost } from "./infrastructure-cost.js";
import { IDLE, type RevenueLine } from "./lines.js";
import { splitMicro, toMicro } from "./money.js";
import type { StatRows } from "./stat-rows.js";

export function capacityRevenue(run: RunResult, costs: PoolIntervalCost[], rows: StatRows): RevenueLine[] {
  const s = run.scenario;
  const P = s.fleet.pools.length;
  const lines: RevenueLine[] = [];
  s.fleet.pools.forEach((pool, p) => {
    const tenant = s.tenants.findIndex((t) => t.id === pool.reservedFor);
    if (tenant < 0 || s.tenants[tenant].contract.type !== "capacity") return;
    const groups = run.topology.groupsByPool[p];
    const cells: Array<{ interval: number; model: number }> = [];
    const weights: number[] = [];
    let nodeSeconds = 0;
    for (let k = 0; k < run.intervals; k++) {
      const c = costs[k * P + p];
      nodeSeconds += c.nodeSeconds;
      weights.push(...busyAndIdleWeights(c));
      for (const g of groups) cells.push({ interval: k, model: run.topology.groups[g].modelIndex });
      cells.push({ interval: k, model: IDLE });
    }
    const usd =
      ((nodeSeconds * profileOf(s, p).priceUsdPerHour) / 3600) * (1 - s.tenants[tenant].contract.discount);
    const parts = splitMicro(toMicro(usd), weights);
    cells.forEach((cell, i) => {
      if (parts[i] === 0) return;
      lines.push({
        kind: "capacity",
        interval: cell.interval,
        tenant,
        statRow: cell.model === IDLE ? rows.first(tenant) : rows.of(tenant, cell.model),
        pool: p,
        model: cell.model,
        revenue: parts[i],
        ownerShare: 0,
      });
    });
  });
  return lines;
}
