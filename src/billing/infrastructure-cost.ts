/**
 * What a pool costs per report interval: capex amortised over billing.amortization_years, opex per
 * node-hour, and energy = power at utilisation x PUE x price, where a node's power at utilisation u
 * is idle + (peak - idle) x u. Computed per accelerator so that pools split between models, nodes
 * added or removed mid-run, and nodes not assigned to any model are all costed exactly for the time
 * they are present.
 */
import type { HardwareProfile, Scenario } from "../scenario/types.js";
import type { RunResult } from "../sim/simulation.js";
import { type Micro, toMicro } from "./money.js";

const SECONDS_PER_YEAR = 365 * 24 * 3600;

export interface PoolIntervalCost {
  interval: number;
  pool: number;
  /** Node-seconds present (nodes x seconds). */
  nodeSeconds: number;
  /** Accelerator-seconds present, and busy (held at least one request), per group of the pool. */
  busyAcceleratorSeconds: number[];
  presentAcceleratorSeconds: number;
  energyKwh: number;
  capex: Micro;
  opex: Micro;
  energy: Micro;
  total: Micro;
}

/** Per-accelerator-second rates of a profile. */
function rates(p: HardwareProfile, s: Scenario) {
  const a = p.acceleratorsPerNode;
  return {
    capexUsd: p.capexUsd / (s.billing.amortizationYears * SECONDS_PER_YEAR) / a,
    opexUsd: p.opexUsdPerHour / 3600 / a,
    idleW: p.powerW.idle / a,
    dynamicW: (p.powerW.peak - p.powerW.idle) / a,
  };
}

export function poolCosts(run: RunResult): PoolIntervalCost[] {
  const s = run.scenario;
  const { grid, topology } = run;
  const out: PoolIntervalCost[] = [];
  const P = s.fleet.pools.length;
  for (let k = 0; k < run.intervals; k++) {
    s.fleet.pools.forEach((pool, p) => {
      const profile = s.profiles.find((x) => x.id === pool.profile)!;
      const r = rates(profile, s);
      let present = run.unassignedNodeSeconds[k * P + p] * profile.acceleratorsPerNode;
      let busyWeighted = 0;
      const busyByGroup: number[] = [];
      for (const g of topology.groupsByPool[p]) {
        const acc = topology.groups[g].acceleratorsPerReplica;
        const idx = grid.at(k, g);
        present += grid.present[idx] * acc;
        busyByGroup.push(grid.busy[idx] * acc);
        busyWeighted += grid.busy[idx] * acc;
      }
      const joules = r.idleW * present + r.dynamicW * busyWeighted;
      const energyKwh = (joules / 3.6e6) * s.billing.pue;
      const capex = toMicro(r.capexUsd * present);
      const opex = toMicro(r.opexUsd * present);
      const energy = toMicro(energyKwh * s.billing.energyUsdPerKwh);
      out.push({
        interval: k,
        pool: p,
        nodeSeconds: present / profile.acceleratorsPerNode,
        busyAcceleratorSeconds: busyByGroup,
        presentAcceleratorSeconds: present,
        energyKwh,
        capex,
        opex,
        energy,
        total: capex + opex + energy,
      });
    });
  }
  return out;
}
