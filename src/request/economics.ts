/** Per-group cost figures the router's cost_aware policy ranks replicas by. */
import { acceleratorRates } from "../contract/cost-rates.js";
import type { Topology } from "../contract/topology.js";
import type { Scenario } from "../scenario/types.js";
import type { GroupEconomics } from "../scheduler/router.js";

/**
 * Infrastructure cost per output token of a group's replica at full batch and full power: the
 * per-accelerator rates billing charges (src/contract/cost-rates.ts) (amortised capex, opex, energy at peak with PUE), times the
 * accelerators a replica spans, over its decode throughput.
 */
export function groupEconomics(s: Scenario, topo: Topology): GroupEconomics[] {
  return topo.groups.map((g) => {
    const r = acceleratorRates(g.profile, s);
    const energyUsdPerS = ((r.idleW + r.dynamicW) / 3.6e6) * s.billing.pue * s.billing.energyUsdPerKwh;
    const perReplicaS = (r.capexUsd + r.opexUsd + energyUsdPerS) * g.acceleratorsPerReplica;
    return { costPerToken: perReplicaS / g.curve.decodeTokensPerS[g.curve.maxBatch] };
  });
}
