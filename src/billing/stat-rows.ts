/**
 * Which tenants.csv row (tenant x requested model statistics row) a charge is billed on: the row of
 * the tenant and the model when the tenant asked for that model, else the tenant's first row, else
 * -1 (a tenant without workloads, which tenants.csv lists on a row of its own).
 */
import type { RunResult } from "../contract/run-result.js";

export interface StatRows {
  of(tenant: number, model: number): number;
  first(tenant: number): number;
}

export function statRows(run: RunResult): StatRows {
  const byKey = new Map<string, number>();
  const first = new Map<number, number>();
  run.stats.forEach((st, i) => {
    byKey.set(`${st.tenantIndex}:${st.modelIndex}`, i);
    if (!first.has(st.tenantIndex)) first.set(st.tenantIndex, i);
  });
  return {
    of: (tenant, model) => byKey.get(`${tenant}:${model}`) ?? first.get(tenant) ?? -1,
    first: (tenant) => first.get(tenant) ?? -1,
  };
}
