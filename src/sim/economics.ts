/** Per-group cost figures the router's cost_aware policy ranks replicas by. */
import type { HardwareProfile, Scenario } from "../scenario/types.js";
import type { GroupEconomics } from "../scheduler/router.js";
import type { Topology } from "./topology.js";

const HOURS_PER_YEAR = 8760;

/** Infrastructure cost of one node per hour at full power: amortised capex + opex + energy. */
export function nodeCostPerHourAtPeak(p: HardwareProfile, s: Scenario): number {
  const capex = p.capexUsd / (s.billing.amortizationYears * HOURS_PER_YEAR);
  const energy = (p.powerW.peak / 1000) * s.billing.pue * s.billing.energyUsdPerKwh;
  return capex + p.opexUsdPerHour + energy;
}

export function groupEconomics(s: Scenario, topo: Topology): GroupEconomics[] {
  return topo.groups.map((g) => {
    const share = g.acceleratorsPerReplica / g.profile.acceleratorsPerNode;
    const perHour = nodeCostPerHourAtPeak(g.profile, s) * share;
    const tokensPerS = g.curve.decodeTokensPerS[g.curve.maxBatch];
    return { costPerToken: perHour / 3600 / tokensPerS };
  });
}
