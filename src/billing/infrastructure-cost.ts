/**
 * What a pool costs: capex amortised over billing.amortization_years, opex per node-hour, and
 * energy = power at utilisation x PUE x price per kWh, where a node's power at utilisation u is
 * idle + (peak - idle) x u, with u the share of its saturated throughput it served (capacity-use.ts:
 * at the saturated operating point the binding resource, compute or memory bandwidth, runs at its
 * maximum and the node draws its peak; a replica serving half that draws half the dynamic power). Everything is counted per accelerator-second present (replicas present,
 * accelerators stranded beside them, nodes assigned to no model), so pools split between models and
 * nodes added or removed mid-run cost exactly while they are present. Each of capex, opex and energy
 * is turned into money once per pool over the whole run, then split over report intervals by its
 * own driver (present accelerator-seconds; energy by joules), so the intervals add up exactly.
 */

import { type GroupIntervalUse, groupIntervalUse } from "../capacity/capacity-use.js";
import { acceleratorRates, profileOf } from "../contract/cost-rates.js";
import type { RunResult } from "../contract/run-result.js";
import { type Micro, splitMicro, toMicro } from "./money.js";
import { strandedAcceleratorSeconds } from "./stranded-accelerators.js";

export interface PoolIntervalCost {
  interval: number;
  pool: number;
  /** Node-seconds present (accelerator-seconds present / accelerators per node). */
  nodeSeconds: number;
  /** Busy accelerator-seconds (replicas holding at least one request) per group of the pool, in groupsByPool order. */
  busyAcceleratorSeconds: number[];
  presentAcceleratorSeconds: number;
  /** Accelerator-seconds of replicas loading weights (autoscaling): paid for, serving nothing. */
  loadingAcceleratorSeconds: number;
  /** Accelerator-seconds of saturated work done (what energy's dynamic part follows). */
  activeAcceleratorSeconds: number;
  /** Energy drawn from the grid, PUE included. */
  energyKwh: number;
  capex: Micro;
  opex: Micro;
  energy: Micro;
  total: Micro;
}

/** One row per report interval x pool, interval-major. */
export function poolCosts(
  run: RunResult,
  use: GroupIntervalUse[] = groupIntervalUse(run),
): PoolIntervalCost[] {
  const s = run.scenario;
  const { grid, topology } = run;
  const P = s.fleet.pools.length;
  const K = run.intervals;
  const stranded = strandedAcceleratorSeconds(run);
  const out: PoolIntervalCost[] = new Array(K * P);
  s.fleet.pools.forEach((_, p) => {
    const profile = profileOf(s, p);
    const r = acceleratorRates(profile, s);
    const present: number[] = [];
    const busy: number[][] = [];
    const joules: number[] = [];
    const active: number[] = [];
    const loading: number[] = [];
    for (let k = 0; k < K; k++) {
      let load = 0;
      let acc = run.unassignedNodeSeconds[k * P + p] * profile.acceleratorsPerNode;
      const busyByGroup: number[] = [];
      let activeAll = 0;
      for (const g of topology.groupsByPool[p]) {
        const per = topology.groups[g].acceleratorsPerReplica;
        const i = grid.at(k, g);
        acc += (grid.present[i] + grid.loading[i]) * per + stranded[i];
        busyByGroup.push(grid.busy[i] * per);
        load += grid.loading[i] * per;
        activeAll += use[i].activeAcceleratorSeconds;
      }
      present.push(acc);
      loading.push(load);
      busy.push(busyByGroup);
      active.push(activeAll);
      joules.push(r.idleW * acc + r.dynamicW * activeAll);
    }
    // Spot nodes (autoscaling) pay capex and opex at their discount; energy as drawn.
    const spot = run.scaling?.spotAcceleratorSeconds;
    const discount = s.fleet.pools[p].scaling?.spot?.discount ?? 0;
    const billed =
      spot && spot.length > 0 && discount > 0
        ? present.map((a, k) => a - discount * spot[k * P + p])
        : present;
    const billedAll = billed.reduce((a, b) => a + b, 0);
    const kwhAll = (joules.reduce((a, b) => a + b, 0) / 3.6e6) * s.billing.pue;
    const capex = splitMicro(toMicro(r.capexUsd * billedAll), billed);
    const opex = splitMicro(toMicro(r.opexUsd * billedAll), billed);
    const energy = splitMicro(toMicro(kwhAll * s.billing.energyUsdPerKwh), joules);
    for (let k = 0; k < K; k++) {
      out[k * P + p] = {
        interval: k,
        pool: p,
        nodeSeconds: present[k] / profile.acceleratorsPerNode,
        busyAcceleratorSeconds: busy[k],
        presentAcceleratorSeconds: present[k],
        loadingAcceleratorSeconds: loading[k],
        activeAcceleratorSeconds: active[k],
        energyKwh: (joules[k] / 3.6e6) * s.billing.pue,
        capex: capex[k],
        opex: opex[k],
        energy: energy[k],
        total: capex[k] + opex[k] + energy[k],
      };
    }
  });
  return out;
}
