/**
 * The run's money: revenue lines (who pays what, attributed to a pool and the model that served),
 * the owners' share of token revenue, and infrastructure cost attributed to models by busy
 * accelerator-seconds with the idle remainder on its own line. Every figure is whole micro-dollars.
 */
import type { RunResult } from "../sim/simulation.js";
import { type PoolIntervalCost, poolCosts } from "./infrastructure-cost.js";
import { type Micro, splitMicro, toMicro } from "./money.js";

/** Model index used for a pool's idle cost (and revenue not attributable to any model). */
export const IDLE = -1;

export interface RevenueLine {
  interval: number;
  tenant: number;
  /** Tenant x requested-model statistics row (-1 for charges not tied to one, e.g. capacity). */
  statRow: number;
  pool: number;
  /** Model index, or IDLE. */
  model: number;
  revenue: Micro;
  ownerShare: Micro;
}

export interface CostLine {
  interval: number;
  pool: number;
  model: number;
  cost: Micro;
}

export interface Financials {
  revenue: RevenueLine[];
  cost: CostLine[];
  poolCosts: PoolIntervalCost[];
}

export function computeFinancials(run: RunResult): Financials {
  const s = run.scenario;
  const revenue: RevenueLine[] = [];
  for (const u of run.usage.sorted()) {
    const tenant = s.tenants[u.tenant];
    if (tenant.contract.type !== "token") continue;
    const g = run.topology.groups[u.group];
    const price = run.priceEpochs[g.modelIndex][u.epoch];
    const list = (u.inputTokens * price.input + u.outputTokens * price.output) / 1e6;
    const rev = toMicro(list * (1 - tenant.contract.discount));
    revenue.push({
      interval: u.interval,
      tenant: u.tenant,
      statRow: u.statRow,
      pool: g.poolIndex,
      model: g.modelIndex,
      revenue: rev,
      ownerShare: Math.round(rev * g.model.ownerRevenueShare),
    });
  }
  const pc = poolCosts(run);
  const cost: CostLine[] = [];
  for (const c of pc) {
    const groups = run.topology.groupsByPool[c.pool];
    const { parts, rest } = splitMicro(c.total, c.busyAcceleratorSeconds, c.presentAcceleratorSeconds);
    groups.forEach((g, i) => {
      cost.push({
        interval: c.interval,
        pool: c.pool,
        model: run.topology.groups[g].modelIndex,
        cost: parts[i],
      });
    });
    cost.push({ interval: c.interval, pool: c.pool, model: IDLE, cost: rest });
  }
  return { revenue, cost, poolCosts: pc };
}
