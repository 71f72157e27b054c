/**
 * Tenant-level adjustments, settled at the end of the run on top of usage (token, capacity,
 * on_demand, spot):
 * - commitment: shortfall = max(0, committed_usd - usage bill), billed;
 * - SLA credit: when the tenant's SLO attainment is below sla.target, sla.credit x (usage bill +
 *   shortfall) is credited back (a negative line).
 * Both are attributed to where the tenant's usage revenue went (report interval, pool, model,
 * tenants.csv row) in proportion to it, so every file still adds up; a tenant with no usage revenue
 * has them spread over the replica groups its workloads may use, by accelerator-seconds present.
 * They carry no owner share: owners are paid on token usage only.
 */

import type { RunResult } from "../contract/run-result.js";
import type { Contract } from "../scenario/types.js";
import { IDLE, type RevenueKind, type RevenueLine } from "./lines.js";
import { type Micro, splitMicro, toMicro } from "./money.js";
import type { StatRows } from "./stat-rows.js";

export interface TenantBill {
  tenant: number;
  /** Usage revenue (token, capacity, on_demand, spot) before adjustments. */
  usage: Micro;
  /** Commitment shortfall billed. */
  shortfall: Micro;
  /** SLA credit given back (>= 0; billed as a negative line). */
  slaCredit: Micro;
  /** usage + shortfall - slaCredit. */
  billed: Micro;
  sloAttainment: number | null;
}

/** The two adjustments of one tenant, in micro-dollars (both >= 0). */
export function adjustmentAmounts(
  usage: Micro,
  contract: Contract,
  sloAttainment: number | null,
): { shortfall: Micro; slaCredit: Micro } {
  const shortfall = Math.max(0, toMicro(contract.committedUsd) - usage);
  const missed = contract.sla !== null && sloAttainment !== null && sloAttainment < contract.sla.target;
  const slaCredit = missed ? Math.round((usage + shortfall) * contract.sla!.credit) : 0;
  return { shortfall, slaCredit };
}

interface Cell {
  interval: number;
  pool: number;
  model: number;
  statRow: number;
}

export function tenantAdjustments(
  run: RunResult,
  usageLines: RevenueLine[],
  attainment: Array<number | null>,
  rows: StatRows,
): { lines: RevenueLine[]; bills: TenantBill[] } {
  const s = run.scenario;
  const byTenant = s.tenants.map((): RevenueLine[] => []);
  for (const l of usageLines) byTenant[l.tenant].push(l);
  const lines: RevenueLine[] = [];
  const bills = s.tenants.map((t, ti): TenantBill => {
    const own = byTenant[ti];
    const usage = own.reduce((a, l) => a + l.revenue, 0);
    const { shortfall, slaCredit } = adjustmentAmounts(usage, t.contract, attainment[ti]);
    if (shortfall !== 0 || slaCredit !== 0) {
      const basis =
        usage > 0 ? { cells: own, weights: own.map((l) => l.revenue) } : fallbackBasis(run, ti, rows);
      const emit = (kind: RevenueKind, amount: Micro) => {
        splitMicro(amount, basis.weights).forEach((v, i) => {
          const c = basis.cells[i];
          if (v !== 0) lines.push({ kind, ...pick(c), tenant: ti, revenue: v, ownerShare: 0 });
        });
      };
      emit("commitment", shortfall);
      emit("sla_credit", -slaCredit);
    }
    return {
      tenant: ti,
      usage,
      shortfall,
      slaCredit,
      billed: usage + shortfall - slaCredit,
      sloAttainment: attainment[ti],
    };
  });
  return { lines, bills };
}

const pick = (c: Cell): Cell => ({ interval: c.interval, pool: c.pool, model: c.model, statRow: c.statRow });

/**
 * Cells for a tenant without usage revenue: each report interval x replica group its workloads may
 * route to, weighted by accelerator-seconds present; failing that (no workloads, or nothing present
 * there) every group the tenant could use (pools open to all, or reserved for it; a capacity tenant
 * only the latter); failing that every group; failing that the first pool's idle line at the end.
 */
function fallbackBasis(run: RunResult, tenant: number, rows: StatRows): { cells: Cell[]; weights: number[] } {
  const { topology, grid, routes } = run;
  const t = run.scenario.tenants[tenant];
  const reachable = new Set<number>();
  for (const w of routes.workloads) {
    if (w.tenantIndex !== tenant) continue;
    for (const c of w.chain) for (const g of routes.classes[c].groups) reachable.add(g);
  }
  const build = (groups: number[]) => {
    const cells: Cell[] = [];
    const weights: number[] = [];
    for (let k = 0; k < run.intervals; k++) {
      for (const g of groups) {
        const grp = topology.groups[g];
        cells.push({
          interval: k,
          pool: grp.poolIndex,
          model: grp.modelIndex,
          statRow: rows.of(tenant, grp.modelIndex),
        });
        weights.push(grid.present[grid.at(k, g)] * grp.acceleratorsPerReplica);
      }
    }
    return { cells, weights };
  };
  const usable = (g: (typeof topology.groups)[number]) =>
    g.pool.reservedFor === null ? t.contract.type !== "capacity" : g.pool.reservedFor === t.id;
  const candidates = [
    [...reachable].sort((a, b) => a - b),
    topology.groups.filter(usable).map((g) => g.index),
    topology.groups.map((g) => g.index),
  ];
  for (const groups of candidates) {
    const basis = build(groups);
    if (basis.weights.some((w) => w > 0)) return basis;
  }
  return {
    cells: [{ interval: run.intervals - 1, pool: 0, model: IDLE, statRow: rows.first(tenant) }],
    weights: [1],
  };
}
