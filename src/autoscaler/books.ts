/**
 * The autoscaler's books into a run's (both engines): in the pools it manages, idle accelerators
 * (on nodes present or provisioning, in no replica) replace the static split's unassigned nodes,
 * and each group's loading replica-seconds go to the grid's `loading`; spot nodes'
 * accelerator-seconds go to the log (billed at their discount).
 */
import type { Scenario } from "../scenario/types.js";
import type { Autoscaler } from "./controller.js";

export function closeScalingBooks(
  scaler: Autoscaler,
  s: Scenario,
  unassignedNodeSeconds: Float64Array,
  loading: Float64Array,
): void {
  scaler.finish(s.horizon);
  const L = scaler.ledger;
  const P = s.fleet.pools.length;
  const intervals = unassignedNodeSeconds.length / P;
  s.fleet.pools.forEach((pool, p) => {
    if (!L.managed[p]) return;
    const perNode = s.profiles.find((x) => x.id === pool.profile)!.acceleratorsPerNode;
    for (let k = 0; k < intervals; k++) unassignedNodeSeconds[k * P + p] = L.idleSeconds[k * P + p] / perNode;
  });
  loading.set(L.loadingSeconds);
  scaler.log.spotAcceleratorSeconds = L.spotSeconds;
}
