/** One statistics row per tenant x requested model, as the request engine lays them out. */

import type { Routes } from "../contract/routes.js";
import { TenantModelStats } from "../metrics/tenant-stats.js";

export function statRows(routes: Routes): { stats: TenantModelStats[]; statOfWorkload: Int32Array } {
  const stats: TenantModelStats[] = [];
  const rowOf = new Map<string, number>();
  const statOfWorkload = Int32Array.from(
    routes.workloads.map((w) => {
      const mi = routes.classes[w.chain[0]].modelIndex;
      const key = `${w.tenantIndex}:${mi}`;
      let row = rowOf.get(key);
      if (row === undefined) {
        row = stats.length;
        rowOf.set(key, row);
        stats.push(new TenantModelStats(w.tenantIndex, mi));
      }
      return row;
    }),
  );
  return { stats, statOfWorkload };
}
