/**
 * Per-tenant SLO attainment: requests that completed within their SLO / all the tenant's requests
 * (rejected and unfinished ones count as misses; a workload without an SLO meets it by completing).
 * null for a tenant that sent no request.
 */
import type { RunResult } from "../contract/run-result.js";

export function tenantSloAttainment(run: RunResult): Array<number | null> {
  const met = run.scenario.tenants.map(() => 0);
  const requests = run.scenario.tenants.map(() => 0);
  for (const st of run.stats) {
    met[st.tenantIndex] += st.sloMet;
    requests[st.tenantIndex] += st.requests;
  }
  return requests.map((n, t) => (n > 0 ? met[t] / n : null));
}
