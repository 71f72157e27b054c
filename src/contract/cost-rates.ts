/**
 * What a hardware profile costs per accelerator-second: amortised capex, opex, and power (idle and
 * the dynamic part up to peak). Billing turns these into money; the router's cost_aware policy
 * ranks replica groups by them (src/request/economics.ts), so both read the same rates.
 */
import type { HardwareProfile, Scenario } from "../scenario/types.js";

export const SECONDS_PER_YEAR = 365 * 24 * 3600;

/** Per-accelerator-second rates of a profile. */
export function acceleratorRates(p: HardwareProfile, s: Scenario) {
  const a = p.acceleratorsPerNode;
  return {
    capexUsd: p.capexUsd / (s.billing.amortizationYears * SECONDS_PER_YEAR) / a,
    opexUsd: p.opexUsdPerHour / 3600 / a,
    idleW: p.powerW.idle / a,
    dynamicW: (p.powerW.peak - p.powerW.idle) / a,
  };
}

/** The hardware profile of pool `poolIndex`. */
export function profileOf(s: Scenario, poolIndex: number): HardwareProfile {
  const id = s.fleet.pools[poolIndex].profile;
  const p = s.profiles.find((x) => x.id === id);
  if (!p) throw new Error(`profile ${id} was not resolved by the loader`);
  return p;
}
