/**
 * The run's money as line items: revenue (usage under each contract, then commitment shortfalls
 * and SLA credits), the owners' share of token revenue, and infrastructure cost per pool attributed
 * to models by busy accelerator-seconds with the idle remainder on its own line. Every figure is
 * whole micro-dollars; see docs/billing.md for each rule and its formula.
 */

import {
  type GroupIntervalUse,
  type GroupMix,
  groupIntervalUse,
  groupMixes,
} from "../capacity/capacity-use.js";
import type { RunResult } from "../contract/run-result.js";
import { capacityRevenue } from "./capacity-revenue.js";
import { attributeCost } from "./cost-attribution.js";
import { type PoolIntervalCost, poolCosts } from "./infrastructure-cost.js";
import type { CostLine, RevenueLine } from "./lines.js";
import { tenantSloAttainment } from "./slo-attainment.js";
import { statRows } from "./stat-rows.js";
import { type TenantBill, tenantAdjustments } from "./tenant-adjustments.js";
import { usageRevenue } from "./usage-revenue.js";

export { type CostLine, IDLE, type RevenueKind, type RevenueLine } from "./lines.js";

export interface Financials {
  revenue: RevenueLine[];
  cost: CostLine[];
  /** Per report interval x pool, interval-major (index interval x pools + pool). */
  poolCosts: PoolIntervalCost[];
  /** Per tenant, in scenario order. */
  tenants: TenantBill[];
  /** Per report interval x group (capacity/capacity-use.ts): what energy and the utilisation figures follow. */
  use: GroupIntervalUse[];
  /** Per group: the mix it served and its saturated rate (what `use` measures capacity by). */
  mixes: GroupMix[];
}

export function computeFinancials(run: RunResult): Financials {
  const rows = statRows(run);
  const mixes = groupMixes(run);
  const use = groupIntervalUse(run, mixes);
  const pc = poolCosts(run, use);
  const usage = [...usageRevenue(run), ...capacityRevenue(run, pc, rows)];
  const adjustments = tenantAdjustments(run, usage, tenantSloAttainment(run), rows);
  return {
    revenue: [...usage, ...adjustments.lines],
    cost: attributeCost(run, pc),
    poolCosts: pc,
    tenants: adjustments.bills,
    use,
    mixes,
  };
}
